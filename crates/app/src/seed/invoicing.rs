//! A sales order made of an accepted offer and invoiced in parts: one invoice order per part,
//! each made an invoice that is issued and, when due long enough, paid in full or in part.

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use domain::event::Change;
use domain::invoice::{self, Invoice, InvoiceKind, Payment, PaymentMethod};
use domain::invoice_order::{self, InvoiceOrder, InvoiceOrderAction, InvoiceOrderStatus, OrderedLine, RequestedLine};
use domain::offer::Offer;
use domain::party::Party;
use domain::resource::ResourceType;
use domain::sales_order::{self, SalesOrder, SalesOrderAction, SalesOrderStatus};
use persistence::{ConnectionTrait, StoreError};
use rand::Rng;
use rust_decimal::Decimal;

use super::ids::{self, Kind};
use super::journal::Journal;
use super::plan::Numbers;
use super::{Profile, ruled};

/// What a batch of offers led to, to insert after the offers.
#[derive(Default)]
pub struct Invoiced {
    orders: Vec<SalesOrder>,
    invoice_orders: Vec<InvoiceOrder>,
    invoices: Vec<Invoice>,
    payments: Vec<Payment>,
}

impl Invoiced {
    pub async fn insert(&self, conn: &impl ConnectionTrait) -> Result<(), StoreError> {
        persistence::sales_orders::insert_many(conn, &self.orders).await?;
        persistence::invoice_orders::insert_many(conn, &self.invoice_orders).await?;
        persistence::invoices::insert_many(conn, &self.invoices).await?;
        persistence::invoices::insert_payments(conn, &self.payments).await?;
        Ok(())
    }
}

/// Sales order `m`, made of the accepted `offer` for `party`, and its invoices.
pub fn chain(
    profile: &Profile,
    offer: &Offer,
    party: &Party,
    m: u64,
    numbers: &mut Numbers,
    journal: &mut Journal,
    out: &mut Invoiced,
) -> anyhow::Result<()> {
    let at = offer.closed_at.unwrap_or(offer.created_at) + Duration::hours(1);
    let actor = offer.fields.owner_id;
    let day = at.date_naive();
    let mut n = 0;
    let fields = ruled(sales_order::from_accepted_offer(offer, party, day, || {
        n += 1;
        ids::part_id(Kind::SalesOrder, m, n, at)
    }))?;
    let draft = SalesOrder {
        id: ids::id(Kind::SalesOrder, m, at),
        number: sales_order::number(at.year(), numbers.next("SO", at.year())),
        status: SalesOrderStatus::Draft,
        fields,
        external_id: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let mut order = SalesOrder {
        status: ruled(draft.act(SalesOrderAction::Confirm))?,
        version: 2,
        ..draft.clone()
    };
    let draft_form = crate::sales_orders::record(&draft);
    journal.created(actor, ResourceType::SalesOrder, order.id, at, draft_form.clone());
    let confirmed = (draft_form, crate::sales_orders::record(&order));
    journal.changed(
        actor,
        ResourceType::SalesOrder,
        order.id,
        Change::Reached("confirmed"),
        at,
        confirmed,
    );

    let parts_per_order = profile.invoices_per_order.max(1);
    let per_part = order.fields.lines.len().div_ceil(ids::size(parts_per_order)).max(1);
    let invoiced_on = day + Duration::days(14);
    let invoiced_at = invoiced_on
        .and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("a time"))
        .and_utc();
    for (part, lines) in (0u64..).zip(order.fields.lines.clone().chunks(per_part)) {
        let index = m * parts_per_order + part;
        let ordered: Vec<OrderedLine> = lines
            .iter()
            .map(|line| OrderedLine {
                line: line.clone(),
                sales_order_id: order.id,
                order_number: order.number.clone(),
                party_id: order.fields.party_id,
                currency: order.fields.currency,
                order_status: order.status,
            })
            .collect();
        let requested: Vec<RequestedLine> = lines
            .iter()
            .map(|line| RequestedLine {
                position: None,
                sales_order_line_id: line.id,
                quantity: line.quantity,
            })
            .collect();
        let mut l = 0;
        let (party_id, currency, io_lines) = ruled(invoice_order::plan(Some(&requested), &ordered, || {
            l += 1;
            ids::part_id(Kind::InvoiceOrder, index, l, invoiced_at)
        }))?;
        let open = InvoiceOrder {
            id: ids::id(Kind::InvoiceOrder, index, invoiced_at),
            party_id,
            currency,
            status: InvoiceOrderStatus::Open,
            lines: io_lines,
            version: 1,
            created_at: invoiced_at,
            updated_at: invoiced_at,
        };
        let invoice_order = InvoiceOrder {
            status: ruled(open.act(InvoiceOrderAction::Invoice))?,
            version: 2,
            ..open.clone()
        };
        for line in &mut order.fields.lines {
            if let Some(l) = invoice_order.lines.iter().find(|l| l.ordered.id == line.id) {
                line.invoiced_quantity += l.quantity;
            }
        }
        let open_form = crate::invoice_orders::record(&open);
        journal.created(
            actor,
            ResourceType::InvoiceOrder,
            open.id,
            invoiced_at,
            open_form.clone(),
        );
        let forms = (open_form, crate::invoice_orders::record(&invoice_order));
        journal.changed(
            actor,
            ResourceType::InvoiceOrder,
            open.id,
            Change::Reached("invoiced"),
            invoiced_at,
            forms,
        );
        let (invoice, payment) = invoice(&invoice_order, &order, party, index, numbers, journal, invoiced_at)?;
        out.invoice_orders.push(invoice_order);
        out.invoices.push(invoice);
        out.payments.extend(payment);
    }
    out.orders.push(order);
    Ok(())
}

/// Invoice `index`, made of `invoice_order` and issued at `at`; paid when due long enough: most in
/// full, some in part, some not at all (overdue).
fn invoice(
    invoice_order: &InvoiceOrder,
    order: &SalesOrder,
    party: &Party,
    index: u64,
    numbers: &mut Numbers,
    journal: &mut Journal,
    at: DateTime<Utc>,
) -> anyhow::Result<(Invoice, Option<Payment>)> {
    let actor = order.fields.owner_id;
    let mut l = 0;
    let mut fields = invoice::from_invoice_order(invoice_order, &[order.fields.payment_terms_days], party, || {
        l += 1;
        ids::part_id(Kind::Invoice, index, l, at)
    });
    let day = at.date_naive();
    fields.invoice_date = Some(day);
    let draft = Invoice::draft(
        ids::id(Kind::Invoice, index, at),
        InvoiceKind::Invoice,
        fields,
        None,
        at,
    );
    let number = invoice::number(InvoiceKind::Invoice, day.year(), numbers.next("INV", day.year()));
    let mut issued = ruled(draft.issue(number, party, day, None))?;
    issued.version = 2;
    let draft_form = crate::invoices::record(&draft, &[], day);
    journal.created(actor, ResourceType::Invoice, draft.id, at, draft_form.clone());
    let forms = (draft_form, crate::invoices::record(&issued, &[], day));
    journal.changed(
        actor,
        ResourceType::Invoice,
        draft.id,
        Change::Reached("issued"),
        at,
        forms,
    );

    let mut rng = ids::rng(Kind::Payment, index);
    let due = issued.due_date.unwrap_or(day);
    let paid_on = due - Duration::days(rng.random_range(0..10));
    let share = rng.random_range(0..10);
    if paid_on >= ids::today() || share >= 9 {
        return Ok((issued, None));
    }
    let total = issued.totals().total;
    let amount = if share == 8 {
        (total / Decimal::TWO).round_dp(2)
    } else {
        total
    };
    let status = ruled(issued.pay(amount, paid_on))?;
    let payment = Payment {
        id: ids::part_id(Kind::Payment, index, 0, at),
        invoice_id: issued.id,
        amount,
        date: paid_on,
        method: PaymentMethod::BankTransfer,
        reference: Some(issued.number.clone().unwrap_or_default()),
        created_at: paid_on
            .and_time(NaiveTime::from_hms_opt(10, 0, 0).expect("a time"))
            .and_utc(),
    };
    let paid = Invoice {
        status,
        paid_amount: amount,
        version: issued.version + 1,
        updated_at: payment.created_at,
        ..issued.clone()
    };
    let forms = (
        crate::invoices::record(&issued, &[], paid_on),
        crate::invoices::record(&paid, std::slice::from_ref(&payment), paid_on),
    );
    journal.changed(
        actor,
        ResourceType::Invoice,
        paid.id,
        Change::Reached(status.as_str()),
        payment.created_at,
        forms,
    );
    Ok((paid, Some(payment)))
}
