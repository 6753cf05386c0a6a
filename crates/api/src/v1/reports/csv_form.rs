//! The CSV form of a report: a header line, then one line per row, quoted where needed (the
//! `csv` crate), as `text/csv; charset=utf-8`.

use actix_web::HttpResponse;

/// A report row as a CSV record.
pub trait CsvRow {
    const HEADER: &'static [&'static str];
    fn record(&self) -> Vec<String>;
}

pub fn respond<R: CsvRow>(rows: &[R]) -> HttpResponse {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let written = writer
        .write_record(R::HEADER)
        .and_then(|()| rows.iter().try_for_each(|row| writer.write_record(row.record())));
    // Writing to memory fails only on a broken invariant (a record of another width).
    written.expect("every record has the header's width");
    let body = writer.into_inner().expect("writing to memory does not fail");
    HttpResponse::Ok().content_type("text/csv; charset=utf-8").body(body)
}
