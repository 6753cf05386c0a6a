// The sales chain, run against a live server with openapi-fetch and the types openapi-typescript
// generated from the document the server serves (.ci/clients generates generated/schema.d.ts,
// compiles this file with `tsc -p` in strict mode and runs it with node).
//
// Usage: node generated/dist/flow.js BASE_URL   (CRM_ADMIN_EMAIL, CRM_ADMIN_PASSWORD in the env)
//
// Every path, parameter, body and response is typed by the document: a change of the document
// that breaks this code fails the type check before anything runs. Each step asserts what came
// back; any surprise exits non-zero. Optional fields are read with `present()`, which treats an
// absent field and `null` alike, so the same code compiles whether the document lists a nullable
// field as required (`T | null`) or not (`T | null | undefined`). Response headers are read from
// `response`.

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type Schemas = components["schemas"];

class Surprise extends Error {}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Surprise(what);
}

function equal<T>(actual: T, expected: NoInfer<T>, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}

/** An optional field's value: null whether the server sent `null` or left the field out. */
function present<T>(value: T | null | undefined): T | null {
  return value === undefined ? null : value;
}

/** What a call of openapi-fetch answers: data or error, and the raw response. */
interface Answer<D, E> {
  data?: D;
  error?: E;
  response: Response;
}

/** The body of a success with `status`. */
function expect<D, E>(answer: Answer<D, E>, status: number, what: string): D {
  if (answer.response.status !== status || answer.data === undefined) {
    throw new Surprise(
      `${what}: expected ${status}, got ${answer.response.status}: ${JSON.stringify(answer.error)}`,
    );
  }
  return answer.data;
}

/** The problem document of a failure with `status`. */
function expectProblem<D, E>(answer: Answer<D, E>, status: number, what: string): E {
  if (answer.response.status !== status || answer.error === undefined) {
    throw new Surprise(`${what}: expected ${status}, got ${answer.response.status}`);
  }
  return answer.error;
}

function header(response: Response, name: string): string {
  const value = response.headers.get(name);
  if (value === null) throw new Surprise(`response without a ${name} header`);
  return value;
}

// Exact decimal arithmetic on the amounts the server sends as strings: fixed point, 6 places.
const SCALE = 6;
function dec(value: string): bigint {
  check(/^-?\d+(\.\d+)?$/.test(value), `not a decimal string: ${JSON.stringify(value)}`);
  const [whole = "0", fraction = ""] = value.replace("-", "").split(".");
  check(fraction.length <= SCALE, `more than ${SCALE} decimal places: ${value}`);
  const magnitude = BigInt(whole + fraction.padEnd(SCALE, "0"));
  return value.startsWith("-") ? -magnitude : magnitude;
}
/** `a × b`, both fixed point. */
function mul(a: bigint, b: bigint): bigint {
  return (a * b) / 10n ** BigInt(SCALE);
}
/** A fixed-point value as the server writes EUR: rounded half away from zero to the cent. */
function money(value: bigint): string {
  const unit = 10n ** BigInt(SCALE - 2);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const cents = (magnitude + unit / 2n) / unit;
  const text = `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
  return negative ? `-${text}` : text;
}

function step(name: string): void {
  console.log(`--- ${name}`);
}

async function main(baseUrl: string): Promise<void> {
  const email = process.env["CRM_ADMIN_EMAIL"];
  const password = process.env["CRM_ADMIN_PASSWORD"];
  check(email !== undefined && password !== undefined, "CRM_ADMIN_EMAIL and CRM_ADMIN_PASSWORD");
  const run = Math.random().toString(16).slice(2, 12);
  const today = new Date().toISOString().slice(0, 10);
  const year = today.slice(0, 4);

  step("token");
  const anonymous = createClient<paths>({ baseUrl });
  const token = expect(
    await anonymous.POST("/api/v1/auth/token", { body: { email, password } }),
    200,
    "POST /auth/token",
  );
  equal(token.token_type.toLowerCase(), "bearer", "token_type");
  check(token.expires_in > 0, "expires_in > 0");
  const api = createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${token.access_token}` },
  });

  step("party, created with an Idempotency-Key, then the same request again");
  const partyBody: Schemas["PartyBody"] = {
    kind: "organization",
    name: `Acme GmbH ${run}`,
    roles: ["customer"],
    currency: "EUR",
    credit_limit: "50000.00",
    addresses: [{ line1: "Hauptstr. 1", city: "Berlin", country: "DE" }],
  };
  const key = `contract-party-ts-${run}`;
  const first = await api.POST("/api/v1/parties", {
    params: { header: { "Idempotency-Key": key } },
    body: partyBody,
  });
  const party = expect(first, 201, "POST /parties");
  check(first.response.headers.get("Idempotent-Replayed") === null, "a first response is no replay");
  equal(party.name, `Acme GmbH ${run}`, "party name");
  equal(party.roles, ["customer"], "party roles");
  equal(present(party.credit_limit), "50000.00", "party credit_limit");
  equal(present(party.phone), null, "party phone before the update");
  const etagCreated = header(first.response, "ETag");
  check(header(first.response, "Location").endsWith(`/api/v1/parties/${party.id}`), "Location");
  const again = await api.POST("/api/v1/parties", {
    params: { header: { "Idempotency-Key": key } },
    body: partyBody,
  });
  equal(expect(again, 201, "POST /parties, replayed").id, party.id, "the replay's id");
  equal(header(again.response, "Idempotent-Replayed"), "true", "Idempotent-Replayed");

  step("party: ETag and If-Match");
  const read = await api.GET("/api/v1/parties/{id}", { params: { path: { id: party.id } } });
  expect(read, 200, "GET /parties/{id}");
  const etag = header(read.response, "ETag");
  equal(etag, etagCreated, "the ETag read is the one created");
  equal(etag, `"${party.version}"`, "the ETag is the quoted version");
  const changed = await api.PATCH("/api/v1/parties/{id}", {
    params: { path: { id: party.id }, header: { "If-Match": etag } },
    body: { phone: "+49 30 123456" },
  });
  const updated = expect(changed, 200, "PATCH /parties/{id}");
  equal(present(updated.phone), "+49 30 123456", "phone after the update");
  equal(updated.version, party.version + 1, "version after the update");
  check(header(changed.response, "ETag") !== etag, "a new ETag after the update");
  const stale = await api.PATCH("/api/v1/parties/{id}", {
    params: { path: { id: party.id }, header: { "If-Match": etag } },
    body: { phone: "+49 30 000000" },
  });
  const problem: Schemas["Problem"] = expectProblem(stale, 412, "PATCH with a stale If-Match");
  equal(problem.code, "version_mismatch", "the 412's code");
  equal(problem.status, 412, "the 412's status");
  equal(present(problem.current_version), updated.version, "the 412's current_version");

  step("product");
  const product = expect(
    await api.POST("/api/v1/products", {
      body: {
        sku: `BOLT-TS-${run}`,
        name: "Hex bolt M8",
        list_price: "1.255",
        currency: "EUR",
        tax_rate: "19",
      },
    }),
    201,
    "POST /products",
  );
  equal(product.list_price, "1.255", "list_price");

  step("offer with a product line and an optional line, sent and accepted");
  // Explicit prices and discounts: other runs against the same database (schemathesis) may leave
  // discount rules that resolution would apply.
  const offer = expect(
    await api.POST("/api/v1/offers", {
      body: {
        party_id: party.id,
        lines: [
          {
            product_id: product.id,
            quantity: "100",
            unit_price: "1.255",
            discount_percent: "0",
            tax_rate: "19",
          },
          {
            description: "Installation",
            quantity: "2",
            unit: "h",
            unit_price: "80",
            tax_rate: "19",
            optional: true,
          },
        ],
      },
    }),
    201,
    "POST /offers",
  );
  equal(offer.status, "draft", "offer status");
  const lineNet = mul(dec("100"), dec("1.255")); // 125.5
  const tax = mul(dec(money(lineNet)), dec("0.19")); // 23.845 -> 23.85
  equal(offer.net_total, money(lineNet), "offer net_total");
  equal(offer.tax_total, money(tax), "offer tax_total");
  equal(offer.total, money(dec(money(lineNet)) + dec(money(tax))), "offer total");
  equal(offer.optional_total, "160.00", "offer optional_total");
  equal(
    offer.lines.map((line) => line.line_net),
    ["125.50", "160.00"],
    "offer line_net",
  );
  check(offer.number.startsWith("OF-"), `offer number ${offer.number}`);
  const sent = expect(
    await api.POST("/api/v1/offers/{id}/send", { params: { path: { id: offer.id } } }),
    200,
    "send",
  );
  equal(sent.status, "sent", "status after send");
  const accepted = expect(
    await api.POST("/api/v1/offers/{id}/accept", {
      params: { path: { id: offer.id } },
      body: { selected_optional_line_ids: [] },
    }),
    200,
    "accept",
  );
  equal(accepted.status, "accepted", "status after accept");
  equal(accepted.total, "149.35", "accepted total, without the optional line");

  step("sales order from the offer, confirmed");
  const created = expect(
    await api.POST("/api/v1/sales-orders", { body: { offer_id: offer.id } }),
    201,
    "POST /sales-orders",
  );
  equal(present(created.offer_id), offer.id, "the order's offer_id");
  equal(created.total, "149.35", "order total");
  const confirmed = expect(
    await api.POST("/api/v1/sales-orders/{id}/confirm", { params: { path: { id: created.id } } }),
    200,
    "confirm",
  );
  equal(confirmed.status, "confirmed", "status after confirm");
  const order = expect(
    await api.GET("/api/v1/sales-orders/{id}", { params: { path: { id: created.id } } }),
    200,
    "GET /sales-orders/{id}",
  );
  equal(
    order.lines.map((line) => line.quantity),
    ["100"],
    "the order's lines (no optional one)",
  );
  const orderLine = order.lines[0];
  check(orderLine !== undefined, "the order's line");

  step("invoice order of 40, invoice, issued, partly paid");
  const invoiceOrder = expect(
    await api.POST("/api/v1/invoice-orders", {
      body: { lines: [{ sales_order_line_id: orderLine.id, quantity: "40" }] },
    }),
    201,
    "POST /invoice-orders",
  );
  const invoiceNet = dec(money(mul(dec("40"), dec("1.255")))); // 50.20
  const invoiceTax = dec(money(mul(invoiceNet, dec("0.19")))); // 9.538 -> 9.54
  const invoiceTotal = invoiceNet + invoiceTax;
  equal(invoiceOrder.net_total, money(invoiceNet), "invoice order net_total");
  equal(invoiceOrder.total, money(invoiceTotal), "invoice order total");
  const draft = expect(
    await api.POST("/api/v1/invoices", { body: { invoice_order_id: invoiceOrder.id } }),
    201,
    "POST /invoices",
  );
  equal(draft.status, "draft", "invoice status");
  equal(present(draft.number), null, "a draft's number");
  const issued = expect(
    await api.POST("/api/v1/invoices/{id}/issue", { params: { path: { id: draft.id } } }),
    200,
    "issue",
  );
  equal(issued.status, "issued", "status after issue");
  const number = present(issued.number);
  check(
    number !== null && new RegExp(`^INV-${year}-\\d{6}$`).test(number),
    `invoice number ${number}`,
  );
  check(present(issued.due_date) !== null, "an issued invoice's due_date");
  equal(issued.total, "59.74", "invoice total");
  equal(issued.balance_due, "59.74", "balance_due before the payment");
  const paid = expect(
    await api.POST("/api/v1/invoices/{id}/payments", {
      params: { path: { id: issued.id } },
      body: { amount: "20.00", method: "bank_transfer" },
    }),
    201,
    "POST /invoices/{id}/payments",
  );
  equal(paid.paid_amount, "20.00", "paid_amount");
  equal(paid.balance_due, money(invoiceTotal - dec("20.00")), "balance_due");
  equal(paid.status, "partially_paid", "status after a partial payment");

  step("the flow of the chain, from the sales order and from the invoice");
  const flow = expect(
    await api.GET("/api/v1/sales-orders/{id}/flow", { params: { path: { id: order.id } } }),
    200,
    "GET /sales-orders/{id}/flow",
  );
  equal(flow.offers.map((o) => o.id), [offer.id], "the flow's offers");
  equal(flow.sales_orders.map((o) => o.id), [order.id], "the flow's sales orders");
  equal(flow.invoice_orders.map((o) => o.id), [invoiceOrder.id], "the flow's invoice orders");
  equal(flow.invoices.map((i) => i.id), [issued.id], "the flow's invoices");
  equal(flow.invoices.map((i) => present(i.number)), [number], "the flow's invoice number");
  equal(flow.invoices.map((i) => i.balance_due), [paid.balance_due], "the flow's balance_due");
  equal(
    flow.lines
      .filter((line) => present(line.sales_order_line_id) !== null)
      .map((line) => [line.offered, line.ordered, line.invoiced, line.credited, line.remaining]),
    [["100", "100", "40", "0", "60"]],
    "the flow's quantities (offered, ordered, invoiced, credited, remaining)",
  );
  const fromInvoice = expect(
    await api.GET("/api/v1/invoices/{id}/flow", { params: { path: { id: issued.id } } }),
    200,
    "GET /invoices/{id}/flow",
  );
  equal(fromInvoice.sales_orders.map((o) => o.id), [order.id], "the invoice's flow");

  step("attachment on the party, listed and downloaded");
  const content = `contract test ${run}\n`;
  const upload: Schemas["AttachmentUpload"] = {
    file: content,
    resource_type: "party",
    resource_id: party.id,
  };
  const attachment = expect(
    await api.POST("/api/v1/attachments", {
      body: upload,
      // The schema's fields, as multipart parts; `file` with the part's filename.
      bodySerializer(body) {
        const form = new FormData();
        form.append("file", new Blob([body.file], { type: "text/plain" }), "note.txt");
        form.append("resource_type", body.resource_type);
        form.append("resource_id", body.resource_id);
        return form;
      },
    }),
    201,
    "POST /attachments",
  );
  equal(attachment.filename, "note.txt", "filename");
  equal(attachment.size, new TextEncoder().encode(content).length, "size");
  equal(attachment.resource_type, "party", "resource_type");
  const listed = expect(
    await api.GET("/api/v1/parties/{id}/attachments", { params: { path: { id: party.id } } }),
    200,
    "GET /parties/{id}/attachments",
  );
  equal(listed.items.map((a) => a.id), [attachment.id], "the party's attachments");
  const download = await api.GET("/api/v1/attachments/{id}/content", {
    params: { path: { id: attachment.id } },
    parseAs: "text",
  });
  equal(expect(download, 200, "GET /attachments/{id}/content"), content, "the downloaded content");
  equal(header(download.response, "ETag"), `"${attachment.sha256}"`, "the content's ETag");
  check(header(download.response, "Content-Disposition").includes("note.txt"), "Content-Disposition");

  step("support case with a message");
  const kase = expect(
    await api.POST("/api/v1/cases", {
      body: { subject: "Invoice shows the wrong address", party_id: party.id, channel: "email" },
    }),
    201,
    "POST /cases",
  );
  check(kase.number.startsWith(`CS-${year}-`), `case number ${kase.number}`);
  equal(kase.status, "new", "a new case's status");
  equal(present(kase.first_response_at), null, "a new case's first_response_at");
  const message = expect(
    await api.POST("/api/v1/cases/{id}/messages", {
      params: { path: { id: kase.id } },
      body: { body: "We are on it.", visibility: "public", direction: "outbound" },
    }),
    201,
    "POST /cases/{id}/messages",
  );
  equal(message.case_id, kase.id, "the message's case_id");
  const messages = expect(
    await api.GET("/api/v1/cases/{id}/messages", { params: { path: { id: kase.id } } }),
    200,
    "GET /cases/{id}/messages",
  );
  equal(messages.items.map((m) => m.id), [message.id], "the case's messages");
  const answered = expect(
    await api.GET("/api/v1/cases/{id}", { params: { path: { id: kase.id } } }),
    200,
    "GET /cases/{id}",
  );
  equal(answered.status, "open", "status after the first public answer");
  check(present(answered.first_response_at) !== null, "first_response_at after the answer");

  step("subscription, activated, billed by a run on demand");
  const subscription = expect(
    await api.POST("/api/v1/subscriptions", {
      body: {
        party_id: party.id,
        interval: "month",
        start_date: today,
        lines: [
          {
            product_id: product.id,
            quantity: "10",
            unit_price: "4.90",
            discount_percent: "0",
            tax_rate: "19",
          },
        ],
      },
    }),
    201,
    "POST /subscriptions",
  );
  equal(subscription.status, "draft", "subscription status");
  const active = expect(
    await api.POST("/api/v1/subscriptions/{id}/activate", {
      params: { path: { id: subscription.id } },
    }),
    200,
    "activate",
  );
  equal(active.status, "active", "status after activate");
  equal(present(active.next_billing_on), today, "next_billing_on");
  const billing = expect(
    await api.POST("/api/v1/subscription-runs", { body: { as_of: today } }),
    201,
    "POST /subscription-runs",
  );
  const ours = billing.periods.filter((p) => p.subscription_id === subscription.id);
  equal(
    ours.map((p) => [p.start, p.outcome]),
    [[today, "billed"]],
    "our billed period",
  );
  const billedOrder = present(ours[0]?.sales_order_id);
  check(billedOrder !== null, "the billed period's sales order");
  const readRun = expect(
    await api.GET("/api/v1/subscription-runs/{id}", { params: { path: { id: billing.id } } }),
    200,
    "GET /subscription-runs/{id}",
  );
  equal(readRun.periods.length, billing.periods.length, "the run read back");
  const subFlow = expect(
    await api.GET("/api/v1/subscriptions/{id}/flow", { params: { path: { id: subscription.id } } }),
    200,
    "GET /subscriptions/{id}/flow",
  );
  equal(subFlow.subscriptions.map((s) => s.id), [subscription.id], "the subscription's flow");
  equal(subFlow.sales_orders.map((o) => o.id), [billedOrder], "the billed order in the flow");
  equal(
    subFlow.sales_orders.map((o) => o.total),
    [money(mul(dec("49.00"), dec("1.19")))],
    "its total",
  );

  step("the change feed, narrowed by resource_type");
  let after: string | undefined;
  const partyNames: string[] = [];
  const invoiceTotals: string[] = [];
  for (;;) {
    const page = expect(
      await api.GET("/api/v1/events", {
        params: { query: after === undefined ? { limit: 200 } : { after, limit: 200 } },
      }),
      200,
      "GET /events",
    );
    for (const event of page.items) {
      // `data` is the record of the event's resource type: these compile only because the
      // document discriminates the events by `resource_type`.
      if (event.resource_type === "party" && event.resource_id === party.id) {
        partyNames.push(event.data.name);
      } else if (event.resource_type === "invoice" && event.resource_id === draft.id) {
        invoiceTotals.push(event.data.total);
      }
    }
    if (page.items.length === 0) break;
    after = page.next_cursor;
  }
  check(partyNames.length >= 2, `the party's events: ${partyNames.length}`);
  equal(partyNames[partyNames.length - 1], party.name, "the party's last event carries its name");
  check(invoiceTotals.length >= 2, `the invoice's events: ${invoiceTotals.length}`);
  equal(invoiceTotals[invoiceTotals.length - 1], issued.total, "the invoice's last event carries its total");
}

// A read's fields are all required: the server always sends them, `null` when empty, so no
// field of a party read is `| undefined`. (This line fails to compile if one is optional.)
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
const everyPartyFieldIsSent: [OptionalKeys<Schemas["PartyResponse"]>] extends [never] ? true : false = true;
void everyPartyFieldIsSent;

const baseUrl = process.argv[2];
if (baseUrl === undefined || process.argv.length !== 3) {
  console.error("usage: node flow.js BASE_URL");
  process.exit(2);
}
const started = Date.now();
main(baseUrl.replace(/\/$/, "")).then(
  () => console.log(`typescript flow passed in ${((Date.now() - started) / 1000).toFixed(1)} s`),
  (error: unknown) => {
    console.error(error instanceof Surprise ? `FAILED: ${error.message}` : error);
    process.exit(1);
  },
);
