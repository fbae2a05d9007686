//! Tables of typed cells, and the one way each is written: as text, as an
//! HTML table, as a CSV file of a folder, or as a sheet of a workbook.
//!
//! A cell keeps what it is (a count, an amount, a day), so a spreadsheet
//! gets numbers it can add, money formatted as money and dates it can sort,
//! while the text and the CSV files print them as the rest of tfop does.

use super::Exit;
use super::output::{Outputs, Target};
use super::render::{emit, escape_html};
use chrono::NaiveDate;
use std::io::Write;
use std::path::Path;
use tfop::cohort::{Percentage, pounds, thousands};
use tfop::num::Pence;

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cell {
    Text(String),
    Count(u64),
    /// A line number of an input file: a number, but never grouped.
    Line(u64),
    Money(Pence),
    Day(NaiveDate),
    /// A percentage to one decimal place.
    Percent(Percentage),
    Empty,
}

impl Cell {
    /// The cell as text tables and CSV files print it: days as
    /// `YYYY-MM-DD`; counts as `12,345` and money as `£1,234.00` in text,
    /// and as `12345` and `1234.00` in CSV (`csv` true), which a
    /// spreadsheet reads as numbers.
    fn plain(&self, csv: bool) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Count(count) if csv => count.to_string(),
            Cell::Count(count) => thousands(*count),
            Cell::Line(line) => line.to_string(),
            Cell::Money(amount) if csv => amount.to_decimal_string(),
            Cell::Money(amount) => pounds(*amount),
            Cell::Day(day) => day.to_string(),
            Cell::Percent(rate) => rate.to_string(),
            Cell::Empty => String::new(),
        }
    }

    /// The cell as a person reads it on a page: as in text, with a
    /// percentage's sign.
    fn html(&self) -> String {
        match self {
            Cell::Percent(rate) => format!("{rate}%"),
            other => other.plain(false),
        }
    }

    fn is_text(&self) -> bool {
        matches!(self, Cell::Text(_) | Cell::Empty)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

/// A table: its name (a CSV file's and a sheet's), what it shows, its
/// column names and its rows.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// Letters, digits and `_` only: `NAME.csv`, and the sheet's name.
    pub(crate) name: String,
    /// The table's caption on a page.
    pub(crate) caption: String,
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn new(name: &str, caption: impl Into<String>, header: &[&str]) -> Table {
        Table {
            name: file_name(name),
            caption: caption.into(),
            header: header.iter().map(|column| column.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// The table as an aligned text table ([`super::render::table`]).
    pub(crate) fn text(&self, indent: &str) -> String {
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| row.iter().map(|cell| cell.plain(false)).collect())
            .collect();
        // A column of words (every cell text or empty, some not empty)
        // reads from the left; numbers line up on the right.
        let words = |column: usize| {
            let cells = || self.rows.iter().filter_map(|row| row.get(column));
            cells().all(Cell::is_text) && cells().any(|cell| *cell != Cell::Empty)
        };
        super::render::aligned_table(indent, &self.header, &rows, |column| {
            column == 0 || words(column)
        })
    }

    /// The table as HTML: a `<caption>`, column headers with
    /// `scope="col"`, each row's first cell a header with `scope="row"`,
    /// numbers right-aligned; every cell escaped.
    pub(crate) fn html(&self) -> String {
        let mut out = format!(
            "<table>\n<caption>{}</caption>\n<thead><tr>",
            escape_html(&self.caption)
        );
        for (index, column) in self.header.iter().enumerate() {
            let class = if index == 0 { "" } else { " class=\"n\"" };
            out.push_str(&format!(
                "<th scope=\"col\"{class}>{}</th>",
                escape_html(column)
            ));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for (index, cell) in row.iter().enumerate() {
                let text = escape_html(&cell.html());
                if index == 0 {
                    out.push_str(&format!("<th scope=\"row\">{text}</th>"));
                } else {
                    let class = if cell.is_text() { "" } else { " class=\"n\"" };
                    out.push_str(&format!("<td{class}>{text}</td>"));
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        out
    }

    /// The table as CSV, its header row first; money as `1234.00`.
    pub(crate) fn write_csv(&self, out: impl Write) -> csv::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(&self.header)?;
        for row in &self.rows {
            writer.write_record(row.iter().map(|cell| cell.plain(true)))?;
        }
        writer.flush()?;
        Ok(())
    }
}

/// `name` as a file name and sheet name: small letters, digits and `_`, at
/// most 31 characters (a sheet name's limit).
fn file_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    out.truncate(31);
    out
}

/// The tables' names, made distinct by a number where two are the same
/// after shortening (`…_2`), still at most 31 characters.
fn distinct_names(tables: &[Table]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(tables.len());
    for table in tables {
        let mut name = table.name.clone();
        let mut number = 2;
        while names.contains(&name) {
            let suffix = format!("_{number}");
            let mut base = table.name.clone();
            base.truncate(31 - suffix.len());
            name = format!("{base}{suffix}");
            number += 1;
        }
        names.push(name);
    }
    names
}

/// Writes each table to `NAME.csv` in `folder` (made if missing), each file
/// atomically. Errors name the file, never a temporary.
pub(crate) fn write_csv_folder(
    folder: &Path,
    tables: &[Table],
    outputs: &Outputs,
) -> Result<(), Exit> {
    let failed = |path: &Path, error: &dyn std::fmt::Display| {
        eprintln!("error: cannot write {}: {error}", path.display());
        Exit::Failure
    };
    if let Err(error) = std::fs::create_dir_all(folder) {
        return Err(failed(folder, &error));
    }
    for (table, name) in tables.iter().zip(distinct_names(tables)) {
        let path = folder.join(format!("{name}.csv"));
        let mut file = outputs
            .create(&path)
            .map_err(|error| failed(&path, &error))?;
        table
            .write_csv(&mut file)
            .map_err(|error| failed(&path, &error))?;
        file.commit().map_err(|error| failed(&path, &error))?;
    }
    Ok(())
}

/// Writes the tables as one workbook to `target` (a file, atomically, or
/// standard output): a sheet per table with its header row frozen, counts
/// as numbers, money in pounds formatted as money, days as dates.
pub(crate) fn write_xlsx(target: &Target, tables: &[Table], outputs: &Outputs) -> Result<(), Exit> {
    let bytes = workbook(tables).map_err(|error| {
        eprintln!("error: cannot write {}: {error}", target.name());
        Exit::Failure
    })?;
    emit(outputs, target.file(), &bytes)
}

fn workbook(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let header = Format::new().set_bold();
    let money = Format::new().set_num_format("£#,##0.00");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let percent = Format::new().set_num_format("0.0%");
    let mut workbook = Workbook::new();
    for (table, name) in tables.iter().zip(distinct_names(tables)) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        for (column, title) in (0u16..).zip(&table.header) {
            sheet.write_string_with_format(0, column, title, &header)?;
        }
        for (row, cells) in (1u32..).zip(&table.rows) {
            for (column, cell) in (0u16..).zip(cells) {
                match cell {
                    Cell::Text(text) => {
                        sheet.write_string(row, column, text)?;
                    }
                    Cell::Count(count) | Cell::Line(count) => {
                        // Exact up to 2^53 families, far past any cohort.
                        sheet.write_number(row, column, *count as f64)?;
                    }
                    Cell::Money(amount) => {
                        // The nearest binary number to the exact pounds.
                        let pounds: f64 = amount.to_decimal_string().parse().unwrap_or(0.0);
                        sheet.write_number_with_format(row, column, pounds, &money)?;
                    }
                    Cell::Day(date) => {
                        sheet.write_datetime_with_format(row, column, date, &day)?;
                    }
                    Cell::Percent(rate) => {
                        let fraction = rate.tenths as f64 / 1000.0;
                        sheet.write_number_with_format(row, column, fraction, &percent)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Table {
        Table::new(name, "", &[])
    }

    #[test]
    fn names_are_file_safe_short_and_distinct() {
        let long = "eligible by district and lp_agency, the long way";
        let tables = [named("By district"), named(long), named(long)];
        assert_eq!(
            distinct_names(&tables),
            [
                "by_district",
                "eligible_by_district_and_lp_age",
                "eligible_by_district_and_lp_a_2"
            ]
        );
        assert!(distinct_names(&tables).iter().all(|name| name.len() <= 31));
    }

    #[test]
    fn money_is_pounds_in_text_and_a_plain_number_in_csv() {
        let cell = Cell::Money(Pence(123_456_789));
        assert_eq!(cell.plain(false), "£1,234,567.89");
        assert_eq!(cell.plain(true), "1234567.89");
        assert_eq!(Cell::Count(1_234_567).html(), "1,234,567");
    }

    #[test]
    fn counts_group_thousands_in_text_and_html_only() {
        for (count, grouped) in [(999, "999"), (1_000, "1,000"), (1_000_000, "1,000,000")] {
            let cell = Cell::Count(count);
            assert_eq!(cell.plain(false), grouped);
            assert_eq!(cell.html(), grouped);
            assert_eq!(cell.plain(true), count.to_string());
        }
        // A line number is not a quantity.
        assert_eq!(Cell::Line(12_345).plain(false), "12345");
        let mut table = Table::new("t", "T", &["what", "families"]);
        table.rows = vec![vec!["all".into(), Cell::Count(1_000)]];
        assert!(table.text("").contains("1,000"), "{}", table.text(""));
        assert!(table.html().contains("<td class=\"n\">1,000</td>"));
        let mut csv = Vec::new();
        table.write_csv(&mut csv).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "what,families\nall,1000\n");
    }
}
