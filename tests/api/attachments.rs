//! Attachments: uploaded as multipart and streamed back byte for byte, stored once per SHA-256,
//! seen by whoever sees their record, frozen with an issued invoice, and their unused content
//! removed by housekeeping once the grace period is over.

use std::path::{Path, PathBuf};

use chrono::TimeDelta;
use domain::access::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_problem, error_fields, id, item_ids, spawn_app, spawn_app_with};
use crate::invoices::{INVOICES, direct_draft};

const ATTACHMENTS: &str = "/api/v1/attachments";
const BOUNDARY: &str = "crm-test-boundary-5f0c2a";
/// A PDF as far as its first bytes go, with a NUL: neither text nor anything but a PDF.
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\0trailer\n%%EOF\n";

/// A part of a `multipart/form-data` body.
enum Part<'a> {
    Text(&'a str, &'a str),
    /// A part with a `Content-Disposition` given whole (its filename as the client sends it).
    File {
        disposition: &'a str,
        content: &'a [u8],
    },
}

fn file<'a>(filename: &str, content: &'a [u8]) -> Part<'a> {
    let disposition = Box::leak(format!("form-data; name=\"file\"; filename=\"{filename}\"").into_boxed_str());
    Part::File { disposition, content }
}

fn body(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}").as_bytes(),
                );
            }
            Part::File { disposition, content } => {
                // The client's content type is a lie the server must not repeat.
                body.extend_from_slice(
                    format!("Content-Disposition: {disposition}\r\nContent-Type: text/html\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(content);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(app: &TestApp, token: &str, parts: &[Part<'_>]) -> Response {
    app.client
        .post(app.url(ATTACHMENTS))
        .bearer_auth(token)
        .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body(parts))
        .send()
        .await
        .expect("the upload is sent")
}

/// Attaches `content` as `filename` to the record `resource_type`/`record`, expecting 201.
pub(crate) async fn attach(
    app: &TestApp,
    token: &str,
    resource_type: &str,
    record: &Value,
    filename: &str,
    content: &[u8],
) -> Value {
    let form = [
        Part::Text("resource_type", resource_type),
        Part::Text("resource_id", id(record)),
        file(filename, content),
    ];
    let response = upload(app, token, &form).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn target<'a>(resource_type: &'a str, resource_id: &'a str) -> [Part<'a>; 2] {
    [
        Part::Text("resource_type", resource_type),
        Part::Text("resource_id", resource_id),
    ]
}

/// The content files the store keeps (not its staged uploads or retired content).
fn stored(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
        let name = folder.file_name().unwrap().to_str().unwrap().to_owned();
        if folder.is_dir() && name.len() == 2 {
            files.extend(std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()));
        }
    }
    files.sort();
    files
}

/// Staged uploads left behind (none once a request is over).
fn staged(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("tmp")).unwrap().count()
}

async fn get_as(app: &TestApp, token: &str, path: &str) -> Response {
    app.client.get(app.url(path)).bearer_auth(token).send().await.unwrap()
}

/// The types of the events of `resource_id`, once there are `count` (the feed of PostgreSQL may
/// show a committed change a moment later).
async fn event_types(app: &TestApp, resource_id: &str, count: usize) -> Vec<String> {
    let mut types = Vec::new();
    for _ in 0..1000 {
        let page = app.get_json("/api/v1/events?limit=200").await;
        types = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["resource_id"] == resource_id)
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect();
        if types.len() >= count {
            break;
        }
        tokio::task::yield_now().await;
    }
    types
}

#[tokio::test]
async fn an_upload_downloads_byte_identical_with_its_headers() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let form = [
        file_ext("Angebot Müller.pdf", "Angebot%20M%C3%BCller.pdf", PDF),
        Part::Text("resource_id", id(&party)),
        Part::Text("resource_type", "party"),
    ];
    let response = upload(&app, &app.admin_token, &form).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(response.headers()["etag"], "\"1\"");
    let attachment: Value = response.json().await.unwrap();
    assert_eq!(location, format!("{ATTACHMENTS}/{}", id(&attachment)));
    assert_eq!(attachment["filename"], "Angebot Müller.pdf");
    assert_eq!(
        attachment["content_type"], "application/pdf",
        "sniffed, not the part's text/html"
    );
    assert_eq!(attachment["size"], PDF.len());
    assert_eq!(attachment["sha256"], sha256(PDF));
    assert_eq!(attachment["resource_type"], "party");
    assert_eq!(attachment["resource_id"], id(&party));
    assert_eq!(attachment["version"], 1);
    assert!(Uuid::parse_str(attachment["created_by"].as_str().unwrap()).is_ok());
    assert_eq!(app.get_json(&location).await, attachment);

    let download = app.get(&format!("{location}/content")).await;
    assert_eq!(download.status(), StatusCode::OK);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["content-length"], PDF.len().to_string().as_str());
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"Angebot M_ller.pdf\"; filename*=UTF-8''Angebot%20M%C3%BCller.pdf"
    );
    assert_eq!(headers["etag"], format!("\"{}\"", sha256(PDF)).as_str());
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(sha256(&download.bytes().await.unwrap()), sha256(PDF), "byte-identical");

    let listed = app
        .get_json(&format!("/api/v1/parties/{}/attachments", id(&party)))
        .await;
    assert_eq!(item_ids(&listed), vec![id(&attachment).to_owned()]);
    assert_eq!(stored(app.files_dir()).len(), 1);
    assert_eq!(staged(app.files_dir()), 0);
}

/// A `file` part named in RFC 5987 form (`filename*`), with an ASCII `filename` too.
fn file_ext<'a>(ascii: &str, encoded: &str, content: &'a [u8]) -> Part<'a> {
    let ascii: String = ascii.chars().map(|c| if c.is_ascii() { c } else { '_' }).collect();
    let disposition = format!("form-data; name=\"file\"; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    Part::File {
        disposition: Box::leak(disposition.into_boxed_str()),
        content,
    }
}

#[tokio::test]
async fn the_content_type_is_sniffed_from_the_bytes() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let cases: [(&[u8], &str); 3] = [
        (b"Dear Acme,\nthanks for your order.\n", "text/plain; charset=utf-8"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image/png"),
        (b"\x01\x02\0\xff\xfe", "application/octet-stream"),
    ];
    for (content, expected) in cases {
        let attachment = attach(&app, &app.admin_token, "party", &party, "f", content).await;
        assert_eq!(attachment["content_type"], expected);
        let download = app.get(&format!("{ATTACHMENTS}/{}/content", id(&attachment))).await;
        assert_eq!(download.headers()["content-type"], expected);
    }
}

#[tokio::test]
async fn a_file_past_the_limit_is_refused_and_nothing_is_kept() {
    let app = spawn_app_with(|settings| settings.max_upload_bytes = 1024).await;
    let party = app.customer().await;
    // Cut off as it streams in, past the limit…
    let too_big = vec![b'x'; 8 * 1024];
    let form = [
        Part::Text("resource_type", "party"),
        Part::Text("resource_id", id(&party)),
        file("big.txt", &too_big),
    ];
    let problem = assert_problem(
        upload(&app, &app.admin_token, &form).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("1024"), "{problem}");
    // …or refused before a byte is read, when the body announced is far over it.
    let far_too_big = vec![b'x'; 256 * 1024];
    let form = [
        Part::Text("resource_type", "party"),
        Part::Text("resource_id", id(&party)),
        file("bigger.txt", &far_too_big),
    ];
    assert_problem(
        upload(&app, &app.admin_token, &form).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    assert!(stored(app.files_dir()).is_empty());
    assert_eq!(staged(app.files_dir()), 0, "the staged upload is removed");
    let listed = app
        .get_json(&format!("/api/v1/parties/{}/attachments", id(&party)))
        .await;
    assert!(item_ids(&listed).is_empty());

    let exactly = attach(&app, &app.admin_token, "party", &party, "fits.txt", &too_big[..1024]).await;
    assert_eq!(exactly["size"], 1024);
}

#[tokio::test]
async fn attachments_are_seen_only_by_who_sees_their_record() {
    let app = spawn_app().await;
    let team = app.create_team("North").await;
    let other_team = app.create_team("South").await;
    let (_, owner) = app.user_with_role(Role::Sales, Some(&team)).await;
    let (_, teammate) = app.user_with_role(Role::Sales, Some(&team)).await;
    let (_, stranger) = app.user_with_role(Role::Sales, Some(&other_team)).await;
    let response = app
        .post_as(
            &owner,
            "/api/v1/parties",
            Some(&json!({"kind": "organization", "name": "Own"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let party: Value = response.json().await.unwrap();
    let attachment = attach(&app, &owner, "party", &party, "notes.txt", b"visit notes").await;
    let path = format!("{ATTACHMENTS}/{}", id(&attachment));
    let list = format!("/api/v1/parties/{}/attachments", id(&party));

    for token in [&owner, &teammate] {
        assert_eq!(get_as(&app, token, &path).await.status(), StatusCode::OK);
        let page: Value = get_as(&app, token, &list).await.json().await.unwrap();
        assert_eq!(item_ids(&page), vec![id(&attachment).to_owned()]);
    }
    for path in [path.clone(), format!("{path}/content"), format!("{path}/history"), list] {
        assert_problem(get_as(&app, &stranger, &path).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    let form = [
        Part::Text("resource_type", "party"),
        Part::Text("resource_id", id(&party)),
        file("x.txt", b"x"),
    ];
    assert_problem(upload(&app, &stranger, &form).await, StatusCode::NOT_FOUND, "not_found").await;
    let delete = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&stranger)
        .send()
        .await
        .unwrap();
    assert_problem(delete, StatusCode::NOT_FOUND, "not_found").await;
    // A viewer reads, and may not attach.
    let viewer = app.login_as(Role::Viewer).await;
    assert_eq!(get_as(&app, &viewer, &path).await.status(), StatusCode::OK);
    assert_problem(upload(&app, &viewer, &form).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(
        stored(app.files_dir()).len(),
        1,
        "nothing of the refused uploads is kept"
    );
    assert_eq!(staged(app.files_dir()), 0);
}

#[tokio::test]
async fn identical_uploads_share_their_content() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let activity = app
        .post_expect(
            "/api/v1/activities",
            &json!({"kind": "note", "subject": "Call"}),
            StatusCode::CREATED,
        )
        .await;
    let first = attach(&app, &app.admin_token, "party", &party, "order.pdf", PDF).await;
    let second = attach(&app, &app.admin_token, "activity", &activity, "copy.pdf", PDF).await;
    assert_ne!(id(&first), id(&second));
    assert_eq!(first["sha256"], second["sha256"]);
    let files = stored(app.files_dir());
    assert_eq!(files.len(), 1, "one copy of the bytes: {files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap();
    assert_eq!(name, sha256(PDF));
    assert_eq!(
        files[0].parent().unwrap().file_name().unwrap().to_str().unwrap(),
        &name[..2]
    );
    for attachment in [&first, &second] {
        let download = app.get(&format!("{ATTACHMENTS}/{}/content", id(attachment))).await;
        assert_eq!(sha256(&download.bytes().await.unwrap()), sha256(PDF));
    }
}

#[tokio::test]
async fn bad_uploads_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let token = app.admin_token.clone();
    let party_id = id(&party);

    // A path is refused, not cut to its last part.
    for name in ["../../etc/passwd", "reports\\\\q3.pdf", ".."] {
        let [a, b] = target("party", party_id);
        let problem = assert_problem(
            upload(&app, &token, &[a, b, file(name, b"x")]).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), vec!["filename"], "{name}");
    }
    let [a, b] = target("party", party_id);
    let problem = assert_problem(
        upload(&app, &token, &[a, b]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["file"]);
    let problem = assert_problem(
        upload(&app, &token, &[file("a.txt", b"x")]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["resource_type", "resource_id"]);
    let [a, b] = target("product", "42");
    let problem = assert_problem(
        upload(&app, &token, &[a, b, file("a.txt", b"x")]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["resource_type", "resource_id"]);
    let unknown = Uuid::now_v7().to_string();
    let [a, b] = target("offer", &unknown);
    assert_problem(
        upload(&app, &token, &[a, b, file("a.txt", b"x")]).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let [a, b] = target("party", party_id);
    let extra = Part::Text("owner", "me");
    assert_problem(
        upload(&app, &token, &[a, b, extra, file("a.txt", b"x")]).await,
        StatusCode::BAD_REQUEST,
        "unknown_field",
    )
    .await;
    let json = app
        .post(ATTACHMENTS, &json!({"resource_type": "party", "resource_id": party_id}))
        .await;
    assert_problem(json, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    let cut_short = app
        .client
        .post(app.url(ATTACHMENTS))
        .bearer_auth(&token)
        .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc"
        ))
        .send()
        .await
        .unwrap();
    assert_problem(cut_short, StatusCode::BAD_REQUEST, "malformed_body").await;

    assert!(stored(app.files_dir()).is_empty());
    assert_eq!(staged(app.files_dir()), 0);
    let listed = app.get_json(&format!("/api/v1/parties/{party_id}/attachments")).await;
    assert!(item_ids(&listed).is_empty());
}

#[tokio::test]
async fn an_issued_invoice_keeps_its_attachments_as_they_are() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let draft = direct_draft(&app, &party).await;
    let attached = attach(&app, &app.admin_token, "invoice", &draft, "po.pdf", PDF).await;
    let issued = app
        .post_as(&app.admin_token, &format!("{INVOICES}/{}/issue", id(&draft)), None)
        .await;
    assert_eq!(issued.status(), StatusCode::OK);

    let form = [
        Part::Text("resource_type", "invoice"),
        Part::Text("resource_id", id(&draft)),
        file("late.pdf", b"late"),
    ];
    assert_problem(
        upload(&app, &app.admin_token, &form).await,
        StatusCode::CONFLICT,
        "document_immutable",
    )
    .await;
    let delete = app
        .client
        .delete(app.url(&format!("{ATTACHMENTS}/{}", id(&attached))))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_problem(delete, StatusCode::CONFLICT, "document_immutable").await;
    let listed = app.get_json(&format!("{INVOICES}/{}/attachments", id(&draft))).await;
    assert_eq!(item_ids(&listed), vec![id(&attached).to_owned()]);
    assert_eq!(stored(app.files_dir()).len(), 1, "the refused upload kept nothing");
}

#[tokio::test]
async fn a_deleted_attachment_is_gone_with_its_history_and_events() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let attachment = attach(&app, &app.admin_token, "party", &party, "a.txt", b"some text").await;
    let path = format!("{ATTACHMENTS}/{}", id(&attachment));
    let stale = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&app.admin_token)
        .header("If-Match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_problem(stale, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    let deleted = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&app.admin_token)
        .header("If-Match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    for gone in [path.clone(), format!("{path}/content")] {
        assert_problem(app.get(&gone).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    let listed = app
        .get_json(&format!("/api/v1/parties/{}/attachments", id(&party)))
        .await;
    assert!(item_ids(&listed).is_empty());
    let history = app.get_json(&format!("{path}/history")).await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "deleted"]);
    assert_eq!(
        event_types(&app, id(&attachment), 2).await,
        ["attachment.created", "attachment.deleted"]
    );
    assert_eq!(stored(app.files_dir()).len(), 1, "the content waits for housekeeping");
}

/// Content no attachment uses (a deleted attachment's, or one an upload put before its commit
/// failed) is removed by housekeeping once it is older than a day by the server's clock; the
/// content of live attachments stays.
#[tokio::test]
async fn housekeeping_removes_unused_content_after_the_grace_period() {
    let clock = api::Clock::manual(chrono::Utc::now());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let party = app.customer().await;
    let live = attach(&app, &app.admin_token, "party", &party, "keep.pdf", PDF).await;
    let deleted = attach(&app, &app.admin_token, "party", &party, "drop.txt", b"dropped").await;
    let gone = app
        .client
        .delete(app.url(&format!("{ATTACHMENTS}/{}", id(&deleted))))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    // An upload whose commit failed after it put its content: the content alone is left.
    let orphan = sha256(b"never committed");
    let orphan_path = app.files_dir().join(&orphan[..2]).join(&orphan);
    std::fs::create_dir_all(orphan_path.parent().unwrap()).unwrap();
    std::fs::write(&orphan_path, b"never committed").unwrap();
    let at = std::time::SystemTime::from(clock.now());
    std::fs::File::options()
        .append(true)
        .open(&orphan_path)
        .unwrap()
        .set_modified(at)
        .unwrap();
    assert_eq!(stored(app.files_dir()).len(), 3);

    // Housekeeping runs as a server starts (then hourly): within the grace period, all stay.
    clock.advance(TimeDelta::hours(23));
    app.another_instance_with(|settings| settings.clock = clock.clone())
        .await;
    assert_eq!(stored(app.files_dir()).len(), 3, "younger than a day: kept");

    clock.advance(TimeDelta::hours(2));
    app.another_instance_with(|settings| settings.clock = clock.clone())
        .await;
    let left: Vec<String> = stored(app.files_dir())
        .iter()
        .map(|path| path.file_name().unwrap().to_str().unwrap().to_owned())
        .collect();
    assert_eq!(left, vec![sha256(PDF)], "only the live attachment's content");
    let download = app.get(&format!("{ATTACHMENTS}/{}/content", id(&live))).await;
    assert_eq!(sha256(&download.bytes().await.unwrap()), sha256(PDF));
}

/// Documents carry their attachments along the chain: the flow of the order lists the offer's.
#[tokio::test]
async fn a_sales_order_shows_the_files_of_its_offer_in_its_flow() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let offer = app
        .accepted_offer(&party, &crate::fixtures::worked_example_with_an_option())
        .await;
    let signed = attach(&app, &app.admin_token, "offer", &offer, "signed-offer.pdf", PDF).await;
    let order = app
        .post_expect(
            "/api/v1/sales-orders",
            &json!({"offer_id": id(&offer)}),
            StatusCode::CREATED,
        )
        .await;
    let flow = app.get_json(&format!("/api/v1/sales-orders/{}/flow", id(&order))).await;
    let listed = flow["attachments"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], signed["id"]);
    assert_eq!(listed[0]["resource_type"], "offer");
    assert_eq!(listed[0]["filename"], "signed-offer.pdf");
}

#[tokio::test]
async fn a_case_takes_attachments_seen_by_who_sees_the_case() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let case = app
        .post_expect(
            "/api/v1/cases",
            &json!({"subject": "Screenshot", "party_id": id(&party)}),
            StatusCode::CREATED,
        )
        .await;
    let support = app.login_as(Role::Support).await;
    let screenshot = attach(&app, &support, "case", &case, "error.pdf", PDF).await;
    let listed = get_as(&app, &support, &format!("/api/v1/cases/{}/attachments", id(&case))).await;
    assert_eq!(listed.status(), StatusCode::OK);
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(item_ids(&listed), vec![id(&screenshot).to_owned()]);
}

/// An upload retried with its `Idempotency-Key` (a new multipart boundary of the same length, as a
/// client makes one per try) gets the first answer again and makes no second attachment.
#[tokio::test]
async fn a_retried_upload_with_its_key_is_replayed() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let form = body(&[
        Part::Text("resource_type", "party"),
        Part::Text("resource_id", id(&party)),
        file("order.pdf", PDF),
    ]);
    let send = |boundary: &'static str| {
        let body = with_boundary(&form, boundary);
        app.client
            .post(app.url(ATTACHMENTS))
            .bearer_auth(&app.admin_token)
            .header("Idempotency-Key", "upload-1")
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
    };
    let first = send("boundary-aaaaaaaaaaaaaaaaaaaaaaaa").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let retry = send("boundary-bbbbbbbbbbbbbbbbbbbbbbbb").await.unwrap();
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["id"], first["id"]);
    let listed = app
        .get_json(&format!("/api/v1/parties/{}/attachments", id(&party)))
        .await;
    assert_eq!(item_ids(&listed), vec![id(&first).to_owned()]);
}

/// `form` (made with [`BOUNDARY`]) with `boundary` instead.
fn with_boundary(form: &[u8], boundary: &str) -> Vec<u8> {
    let (from, to) = (BOUNDARY.as_bytes(), boundary.as_bytes());
    let mut out = Vec::with_capacity(form.len());
    let mut rest = form;
    while !rest.is_empty() {
        if rest.starts_with(from) {
            out.extend_from_slice(to);
            rest = &rest[from.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}
