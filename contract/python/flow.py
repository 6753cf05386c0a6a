"""The sales chain, run against a live server through the Python client that openapi-python-client
generated from the document the server serves (`.ci/clients` generates it, installs it as
`crm_api_client`, and runs this file).

Usage: python flow.py BASE_URL   (CRM_ADMIN_EMAIL and CRM_ADMIN_PASSWORD in the environment)

It imports nothing but the generated package and the standard library, and calls every operation
through the generated function and models. Each step asserts what came back; any surprise exits
non-zero. Optional response fields are read with `present()`, which treats "absent" (UNSET) and
`null` (None) alike, so the same code runs whether the document lists a nullable field as required
(`T | None`) or not (`T | None | Unset`). Response headers come from the `Response` of the
`*_detailed` functions.
"""

from __future__ import annotations

import io
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from http import HTTPStatus
from typing import Any, TypeVar

from crm_api_client import AuthenticatedClient, Client
from crm_api_client.api.attachments import (
    get_attachment_content,
    list_party_attachments,
    upload_attachment,
)
from crm_api_client.api.auth import create_token
from crm_api_client.api.events import list_events
from crm_api_client.api.cases import add_case_message, create_case, get_case, list_case_messages
from crm_api_client.api.invoice_orders import create_invoice_order
from crm_api_client.api.invoices import (
    create_invoice,
    create_payment,
    get_invoice_flow,
    issue_invoice,
)
from crm_api_client.api.offers import accept_offer, create_offer, send_offer
from crm_api_client.api.parties import create_party, get_party, update_party
from crm_api_client.api.products import create_product
from crm_api_client.api.sales_orders import (
    confirm_sales_order,
    create_sales_order,
    get_sales_order,
    get_sales_order_flow,
)
from crm_api_client.api.subscriptions import (
    activate_subscription,
    create_subscription,
    get_subscription_flow,
    get_subscription_run,
    run_billing,
)
from crm_api_client.models import (
    EventPage,
    PartyEvent,
    AcceptBody,
    Address,
    AttachmentPage,
    AttachmentResponse,
    AttachmentUpload,
    AttachmentUploadResourceType,
    CaseBody,
    CaseResponse,
    CaseStatus,
    Channel,
    FlowResponse,
    Interval,
    InvoiceFromInvoiceOrderBody,
    InvoiceOrderLineBody,
    InvoiceOrderOfLinesBody,
    InvoiceOrderResponse,
    InvoiceResponse,
    InvoiceStatus,
    LineBody,
    MessageBody,
    MessageDirection,
    MessagePage,
    MessageResponse,
    MessageVisibility,
    OfferBody,
    OfferLineBody,
    OfferResponse,
    OfferStatus,
    PartyBody,
    PartyKind,
    PartyPatch,
    PartyResponse,
    PartyRole,
    PaymentBody,
    PaymentMethod,
    Problem,
    ProductBody,
    ProductResponse,
    RunBody,
    RunResponse,
    SalesOrderFromOfferBody,
    SalesOrderResponse,
    SalesOrderStatus,
    SubscriptionBody,
    SubscriptionResponse,
    SubscriptionStatus,
    TokenRequest,
    TokenResponse,
)
from crm_api_client.types import UNSET, File, Response, Unset

T = TypeVar("T")
CENT = Decimal("0.01")


class Surprise(Exception):
    """The server answered something the flow did not expect."""


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Surprise(what)


def equal(actual: Any, expected: Any, what: str) -> None:
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def present(value: T | None | Unset) -> T | None:
    """An optional field's value: None whether the server sent `null` or left the field out."""
    return None if isinstance(value, Unset) else value


def expect(response: Response[Any], status: HTTPStatus, model: type[T], what: str) -> T:
    """The parsed body of `response`, which must have `status` and parse as `model`."""
    if response.status_code != status:
        raise Surprise(
            f"{what}: expected {int(status)}, got {int(response.status_code)}: "
            f"{response.content[:500]!r}"
        )
    parsed = response.parsed
    if not isinstance(parsed, model):
        raise Surprise(f"{what}: expected a {model.__name__}, got {type(parsed).__name__}")
    return parsed


def header(response: Response[Any], name: str) -> str:
    value = response.headers.get(name)
    if value is None:
        raise Surprise(f"response without a {name} header")
    return value


def money(value: Decimal) -> str:
    """An amount as the server writes it in EUR: rounded half away from zero to the cent."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def step(name: str) -> None:
    print(f"--- {name}", flush=True)


def main(base_url: str) -> None:
    email = os.environ["CRM_ADMIN_EMAIL"]
    password = os.environ["CRM_ADMIN_PASSWORD"]
    run = uuid.uuid4().hex[:10]
    today = datetime.now(UTC).date()

    step("token")
    # `create_token` is public. A plain `Client` (no Authorization header) is what a caller without
    # a token has; the function accepts it at run time even where the document's `security: [{}]`
    # makes the generator ask for an `AuthenticatedClient` in the signature.
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    token = expect(
        create_token.sync_detailed(
            client=anonymous,  # type: ignore[arg-type,unused-ignore]
            body=TokenRequest(email=email, password=password),
        ),
        HTTPStatus.OK,
        TokenResponse,
        "POST /auth/token",
    )
    equal(token.token_type.lower(), "bearer", "token_type")
    check(token.expires_in > 0, "expires_in > 0")
    api = AuthenticatedClient(
        base_url=base_url, token=token.access_token, raise_on_unexpected_status=True
    )

    step("party, created with an Idempotency-Key, then the same request again")
    party_body = PartyBody(
        kind=PartyKind.ORGANIZATION,
        name=f"Acme GmbH {run}",
        roles=[PartyRole.CUSTOMER],
        currency="EUR",
        credit_limit="50000.00",
        addresses=[Address(line1="Hauptstr. 1", city="Berlin", country="DE")],
    )
    key = f"contract-party-{run}"
    first = create_party.sync_detailed(client=api, body=party_body, idempotency_key=key)
    party = expect(first, HTTPStatus.CREATED, PartyResponse, "POST /parties")
    check(first.headers.get("Idempotent-Replayed") is None, "a first response is no replay")
    equal(party.name, f"Acme GmbH {run}", "party name")
    equal(party.roles, [PartyRole.CUSTOMER], "party roles")
    equal(present(party.credit_limit), "50000.00", "party credit_limit")
    equal(present(party.phone), None, "party phone before the update")
    etag_created = header(first, "ETag")
    check(header(first, "Location").endswith(f"/api/v1/parties/{party.id}"), "Location")
    again = create_party.sync_detailed(client=api, body=party_body, idempotency_key=key)
    replayed = expect(again, HTTPStatus.CREATED, PartyResponse, "POST /parties, replayed")
    equal(replayed.id, party.id, "the replay's id")
    equal(header(again, "Idempotent-Replayed"), "true", "Idempotent-Replayed")

    step("party: ETag and If-Match")
    read = get_party.sync_detailed(party.id, client=api)
    expect(read, HTTPStatus.OK, PartyResponse, "GET /parties/{id}")
    etag = header(read, "ETag")
    equal(etag, etag_created, "the ETag read is the one created")
    equal(etag, f'"{party.version}"', "the ETag is the quoted version")
    changed = update_party.sync_detailed(
        party.id, client=api, body=PartyPatch(phone="+49 30 123456"), if_match=etag
    )
    updated = expect(changed, HTTPStatus.OK, PartyResponse, "PATCH /parties/{id}")
    equal(present(updated.phone), "+49 30 123456", "phone after the update")
    equal(updated.version, party.version + 1, "version after the update")
    check(header(changed, "ETag") != etag, "a new ETag after the update")
    stale = update_party.sync_detailed(
        party.id, client=api, body=PartyPatch(phone="+49 30 000000"), if_match=etag
    )
    problem = expect(stale, HTTPStatus.PRECONDITION_FAILED, Problem, "PATCH with a stale If-Match")
    equal(str(problem.code), "version_mismatch", "the 412's code")
    equal(problem.status, 412, "the 412's status")
    equal(present(problem.current_version), updated.version, "the 412's current_version")

    step("product")
    product = expect(
        create_product.sync_detailed(
            client=api,
            body=ProductBody(
                sku=f"BOLT-{run}",
                name="Hex bolt M8",
                list_price="1.255",
                currency="EUR",
                tax_rate="19",
            ),
        ),
        HTTPStatus.CREATED,
        ProductResponse,
        "POST /products",
    )
    equal(product.list_price, "1.255", "list_price")

    step("offer with a product line and an optional line, sent and accepted")
    # Explicit prices and discounts: other runs against the same database (schemathesis) may
    # leave discount rules that resolution would apply.
    offer = expect(
        create_offer.sync_detailed(
            client=api,
            body=OfferBody(
                party_id=party.id,
                lines=[
                    OfferLineBody(
                        product_id=product.id,
                        quantity="100",
                        unit_price="1.255",
                        discount_percent="0",
                        tax_rate="19",
                    ),
                    OfferLineBody(
                        description="Installation",
                        quantity="2",
                        unit="h",
                        unit_price="80",
                        tax_rate="19",
                        optional=True,
                    ),
                ],
            ),
        ),
        HTTPStatus.CREATED,
        OfferResponse,
        "POST /offers",
    )
    equal(offer.status, OfferStatus.DRAFT, "offer status")
    line_net = Decimal("100") * Decimal("1.255")  # 125.500
    tax = line_net * Decimal("19") / 100  # 23.845 -> 23.85
    equal(offer.net_total, money(line_net), "offer net_total")
    equal(offer.tax_total, money(tax), "offer tax_total")
    equal(offer.total, money(money_sum(line_net, tax)), "offer total")
    equal(offer.optional_total, "160.00", "offer optional_total")
    equal([line.line_net for line in offer.lines], ["125.50", "160.00"], "offer line_net")
    check(offer.number.startswith("OF-"), f"offer number {offer.number}")
    sent = expect(
        send_offer.sync_detailed(offer.id, client=api), HTTPStatus.OK, OfferResponse, "send"
    )
    equal(sent.status, OfferStatus.SENT, "status after send")
    accepted = expect(
        accept_offer.sync_detailed(
            offer.id, client=api, body=AcceptBody(selected_optional_line_ids=[])
        ),
        HTTPStatus.OK,
        OfferResponse,
        "accept",
    )
    equal(accepted.status, OfferStatus.ACCEPTED, "status after accept")
    equal(accepted.total, "149.35", "accepted total, without the optional line")

    step("sales order from the offer, confirmed")
    order = expect(
        create_sales_order.sync_detailed(client=api, body=SalesOrderFromOfferBody(offer_id=offer.id)),
        HTTPStatus.CREATED,
        SalesOrderResponse,
        "POST /sales-orders",
    )
    equal(present(order.offer_id), offer.id, "the order's offer_id")
    equal(order.total, "149.35", "order total")
    confirmed = expect(
        confirm_sales_order.sync_detailed(order.id, client=api),
        HTTPStatus.OK,
        SalesOrderResponse,
        "confirm",
    )
    equal(confirmed.status, SalesOrderStatus.CONFIRMED, "status after confirm")
    order = expect(
        get_sales_order.sync_detailed(order.id, client=api),
        HTTPStatus.OK,
        SalesOrderResponse,
        "GET /sales-orders/{id}",
    )
    equal([line.quantity for line in order.lines], ["100"], "the order's lines (no optional one)")
    order_line = order.lines[0]

    step("invoice order of 40, invoice, issued, partly paid")
    invoice_order = expect(
        create_invoice_order.sync_detailed(
            client=api,
            body=InvoiceOrderOfLinesBody(
                lines=[InvoiceOrderLineBody(sales_order_line_id=order_line.id, quantity="40")]
            ),
        ),
        HTTPStatus.CREATED,
        InvoiceOrderResponse,
        "POST /invoice-orders",
    )
    invoice_net = Decimal("40") * Decimal("1.255")  # 50.20
    invoice_tax = Decimal(money(invoice_net)) * Decimal("19") / 100  # 9.538 -> 9.54
    invoice_total = money_sum(invoice_net, invoice_tax)
    equal(invoice_order.net_total, money(invoice_net), "invoice order net_total")
    equal(invoice_order.total, money(invoice_total), "invoice order total")
    draft = expect(
        create_invoice.sync_detailed(
            client=api, body=InvoiceFromInvoiceOrderBody(invoice_order_id=invoice_order.id)
        ),
        HTTPStatus.CREATED,
        InvoiceResponse,
        "POST /invoices",
    )
    equal(draft.status, InvoiceStatus.DRAFT, "invoice status")
    equal(present(draft.number), None, "a draft's number")
    issued = expect(
        issue_invoice.sync_detailed(draft.id, client=api),
        HTTPStatus.OK,
        InvoiceResponse,
        "issue",
    )
    equal(issued.status, InvoiceStatus.ISSUED, "status after issue")
    number = present(issued.number)
    check(
        number is not None and number.startswith(f"INV-{today.year}-") and len(number) == 15,
        f"invoice number {number!r}",
    )
    check(present(issued.due_date) is not None, "an issued invoice's due_date")
    equal(issued.total, "59.74", "invoice total")
    equal(issued.balance_due, "59.74", "balance_due before the payment")
    paid = expect(
        create_payment.sync_detailed(
            issued.id,
            client=api,
            body=PaymentBody(amount="20.00", method=PaymentMethod.BANK_TRANSFER),
        ),
        HTTPStatus.CREATED,
        InvoiceResponse,
        "POST /invoices/{id}/payments",
    )
    equal(paid.paid_amount, "20.00", "paid_amount")
    equal(paid.balance_due, money(Decimal(invoice_total) - Decimal("20.00")), "balance_due")
    equal(paid.status, InvoiceStatus.PARTIALLY_PAID, "status after a partial payment")

    step("the flow of the chain, from the sales order and from the invoice")
    flow = expect(
        get_sales_order_flow.sync_detailed(order.id, client=api),
        HTTPStatus.OK,
        FlowResponse,
        "GET /sales-orders/{id}/flow",
    )
    equal([o.id for o in flow.offers], [offer.id], "the flow's offers")
    equal([o.id for o in flow.sales_orders], [order.id], "the flow's sales orders")
    equal([o.id for o in flow.invoice_orders], [invoice_order.id], "the flow's invoice orders")
    equal([i.id for i in flow.invoices], [issued.id], "the flow's invoices")
    equal(present(flow.invoices[0].number), number, "the flow's invoice number")
    equal(flow.invoices[0].balance_due, paid.balance_due, "the flow's invoice balance_due")
    product_lines = [line for line in flow.lines if present(line.sales_order_line_id) is not None]
    equal(
        [
            (line.offered, line.ordered, line.invoiced, line.credited, line.remaining)
            for line in product_lines
        ],
        [("100", "100", "40", "0", "60")],
        "the flow's quantities (offered, ordered, invoiced, credited, remaining)",
    )
    from_invoice = expect(
        get_invoice_flow.sync_detailed(issued.id, client=api),
        HTTPStatus.OK,
        FlowResponse,
        "GET /invoices/{id}/flow",
    )
    equal([o.id for o in from_invoice.sales_orders], [order.id], "the invoice's flow")

    step("attachment on the party, listed and downloaded")
    content = f"contract test {run}\n".encode()
    uploaded = upload_attachment.sync_detailed(
        client=api,
        body=AttachmentUpload(
            file=File(payload=io.BytesIO(content), file_name="note.txt", mime_type="text/plain"),
            resource_type=AttachmentUploadResourceType.PARTY,
            resource_id=party.id,
        ),
    )
    attachment = expect(uploaded, HTTPStatus.CREATED, AttachmentResponse, "POST /attachments")
    equal(attachment.filename, "note.txt", "filename")
    equal(attachment.size, len(content), "size")
    equal(str(attachment.resource_type), "party", "resource_type")
    page = expect(
        list_party_attachments.sync_detailed(party.id, client=api),
        HTTPStatus.OK,
        AttachmentPage,
        "GET /parties/{id}/attachments",
    )
    equal([a.id for a in page.items], [attachment.id], "the party's attachments")
    # The generator leaves out a 200 whose media type it does not know (`*/*` in the current
    # document), and a client that raises on undocumented statuses then raises on the download.
    # Bytes are read from the raw response either way (with `application/octet-stream` the
    # generator would declare them as `File`, which this reads alike).
    lenient = AuthenticatedClient(base_url=base_url, token=token.access_token)
    download = get_attachment_content.sync_detailed(attachment.id, client=lenient)
    equal(download.status_code, HTTPStatus.OK, "GET /attachments/{id}/content")
    equal(download.content, content, "the downloaded content")
    if isinstance(download.parsed, File):  # the document declares the bytes as a binary body
        equal(download.parsed.payload.read(), content, "the downloaded File")
    equal(header(download, "ETag"), f'"{attachment.sha256}"', "the content's ETag")
    check("note.txt" in header(download, "Content-Disposition"), "Content-Disposition")

    step("support case with a message")
    case = expect(
        create_case.sync_detailed(
            client=api,
            body=CaseBody(
                subject="Invoice shows the wrong address", party_id=party.id, channel=Channel.EMAIL
            ),
        ),
        HTTPStatus.CREATED,
        CaseResponse,
        "POST /cases",
    )
    check(case.number.startswith(f"CS-{today.year}-"), f"case number {case.number}")
    equal(case.status, CaseStatus.NEW, "a new case's status")
    equal(present(case.first_response_at), None, "a new case's first_response_at")
    message = expect(
        add_case_message.sync_detailed(
            case.id,
            client=api,
            body=MessageBody(
                body="We are on it.",
                visibility=MessageVisibility.PUBLIC,
                direction=MessageDirection.OUTBOUND,
            ),
        ),
        HTTPStatus.CREATED,
        MessageResponse,
        "POST /cases/{id}/messages",
    )
    equal(message.case_id, case.id, "the message's case_id")
    messages = expect(
        list_case_messages.sync_detailed(case.id, client=api),
        HTTPStatus.OK,
        MessagePage,
        "GET /cases/{id}/messages",
    )
    equal([m.id for m in messages.items], [message.id], "the case's messages")
    answered = expect(
        get_case.sync_detailed(case.id, client=api), HTTPStatus.OK, CaseResponse, "GET /cases/{id}"
    )
    equal(answered.status, CaseStatus.OPEN, "status after the first public answer")
    check(present(answered.first_response_at) is not None, "first_response_at after the answer")

    step("subscription, activated, billed by a run on demand")
    subscription = expect(
        create_subscription.sync_detailed(
            client=api,
            body=SubscriptionBody(
                party_id=party.id,
                interval=Interval.MONTH,
                start_date=today,
                lines=[
                    LineBody(
                        product_id=product.id,
                        quantity="10",
                        unit_price="4.90",
                        discount_percent="0",
                        tax_rate="19",
                    )
                ],
            ),
        ),
        HTTPStatus.CREATED,
        SubscriptionResponse,
        "POST /subscriptions",
    )
    equal(subscription.status, SubscriptionStatus.DRAFT, "subscription status")
    active = expect(
        activate_subscription.sync_detailed(subscription.id, client=api),
        HTTPStatus.OK,
        SubscriptionResponse,
        "activate",
    )
    equal(active.status, SubscriptionStatus.ACTIVE, "status after activate")
    equal(present(active.next_billing_on), today, "next_billing_on")
    billing = expect(
        run_billing.sync_detailed(client=api, body=RunBody(as_of=today)),
        HTTPStatus.CREATED,
        RunResponse,
        "POST /subscription-runs",
    )
    ours = [p for p in billing.periods if p.subscription_id == subscription.id]
    equal([(p.start, str(p.outcome)) for p in ours], [(today, "billed")], "our billed period")
    billed_order = present(ours[0].sales_order_id)
    check(billed_order is not None, "the billed period's sales order")
    again_run = expect(
        get_subscription_run.sync_detailed(billing.id, client=api),
        HTTPStatus.OK,
        RunResponse,
        "GET /subscription-runs/{id}",
    )
    equal(len(again_run.periods), len(billing.periods), "the run read back")
    sub_flow = expect(
        get_subscription_flow.sync_detailed(subscription.id, client=api),
        HTTPStatus.OK,
        FlowResponse,
        "GET /subscriptions/{id}/flow",
    )
    equal([s.id for s in sub_flow.subscriptions], [subscription.id], "the subscription's flow")
    equal([o.id for o in sub_flow.sales_orders], [billed_order], "the billed order in the flow")
    equal(sub_flow.sales_orders[0].total, money(Decimal("49.00") * Decimal("1.19")), "its total")

    step("the change feed: every event parsed into the form of its resource_type")
    after: str | Unset = UNSET
    seen: dict[str, int] = {}
    party_names: list[str] = []
    while True:
        feed = expect(
            list_events.sync_detailed(client=api, after=after, limit=200),
            HTTPStatus.OK,
            EventPage,
            "GET /events",
        )
        for event in feed.items:
            # The generated union picks the form by `resource_type`: a PartyEvent's data is a
            # PartyRecord, and so on for every resource the flow touched.
            form = type(event).__name__
            expected = "".join(part.title() for part in event.resource_type.split("_")) + "Event"
            equal(form, expected, f"the form of a {event.resource_type} event")
            seen[event.resource_type] = seen.get(event.resource_type, 0) + 1
            if isinstance(event, PartyEvent) and event.resource_id == party.id:
                party_names.append(event.data.name)
        if not feed.items:
            break
        after = feed.next_cursor
    for resource_type in ["party", "product", "offer", "sales_order", "invoice_order", "invoice",
                          "attachment", "case", "subscription"]:
        check(seen.get(resource_type, 0) > 0, f"no {resource_type} event in the feed: {seen}")
    check(len(party_names) >= 2 and party_names[-1] == party.name, f"the party's events: {party_names}")


def money_sum(*amounts: Decimal) -> Decimal:
    """The sum of amounts each rounded to the cent, as a document's total is."""
    return sum((Decimal(money(a)) for a in amounts), Decimal(0))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: flow.py BASE_URL")
    started = time.monotonic()
    try:
        main(sys.argv[1].rstrip("/"))
    except Surprise as surprise:
        print(f"FAILED: {surprise}", file=sys.stderr)
        sys.exit(1)
    print(f"python flow passed in {time.monotonic() - started:.1f} s")
