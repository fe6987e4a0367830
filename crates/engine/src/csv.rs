//! Your own data: a CSV table the reader uploads, read into a [`Dataset`] of source
//! [`DataSource::Upload`]. The file never leaves the page: the page and its Web Workers parse the
//! same bytes with this code (the CLI reads the file with `--csv`). The rules, also stated in the
//! page and the README:
//! - fields are separated by commas, semicolons or tabs (whichever the first line has most of) and
//!   may be double-quoted (`""` inside quotes is a quote); numbers use a `.` decimal point; blank
//!   lines are skipped;
//! - the first row is a header if one of its fields but the last is not a number;
//! - the target is the header's column named `target`, `label`, `class` or `y` (any case) if there
//!   is one, else the last column; every other column is a feature and must be a number;
//! - the target serves both problems: least squares when every value is a number, classification
//!   when it takes 2 to [`MAX_CLASSES`] distinct values (numbers or words; class k is the k-th in
//!   sorted order);
//! - every fifth row is a test row (every fifth of each class when the target is a label) and the
//!   others train; features, and a numeric target, are standardised with the training rows' mean
//!   and standard deviation (see [`crate::data`]).
//!
//! Limits: [`MAX_BYTES`] of text, [`MAX_ROWS`] rows, [`MAX_FEATURES`] features, at least
//! [`MIN_ROWS`] rows. Every refusal names the line and column at fault.

use crate::data::{standardise, Dataset, Values};
use crate::scenario::DataSource;

/// The largest file read (10 MiB).
pub const MAX_BYTES: usize = 10 << 20;
pub const MAX_ROWS: usize = 50_000;
pub const MAX_FEATURES: usize = 256;
pub const MIN_ROWS: usize = 10;
/// The most classes a label column may have.
pub const MAX_CLASSES: usize = 10;
/// The header names that mark the target column.
const TARGET_NAMES: [&str; 4] = ["target", "label", "class", "y"];

/// The limits as the page states them.
pub fn limits() -> String {
    format!("at most {} MB, {} rows and {MAX_FEATURES} feature columns; at least {MIN_ROWS} rows", MAX_BYTES >> 20, grouped(MAX_ROWS))
}

/// The fields of one line, unquoted; an error if a quote is left open.
fn fields(line: &str, sep: char) -> Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    let (mut cur, mut quoted, mut chars) = (String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if quoted {
        return Err("a quoted field does not end on its line (fields may not hold line breaks)");
    }
    out.push(cur);
    Ok(out.into_iter().map(|f| f.trim().to_string()).collect())
}

fn number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads an uploaded CSV (see the module documentation).
pub fn parse(bytes: &[u8]) -> Result<Dataset, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!("the file has {:.1} MB; the limit is {} MB", bytes.len() as f64 / (1 << 20) as f64, MAX_BYTES >> 20));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| format!("the file is not text (not UTF-8 at byte {})", e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty());
    let Some((first_no, first)) = lines.next() else { return Err("the file is empty".into()) };
    let sep = [',', ';', '\t'].into_iter().max_by_key(|&c| (first.matches(c).count(), c == ',')).unwrap_or(',');
    let at = |no: usize, e: &str| format!("line {no}: {e}");
    let head = fields(first, sep).map_err(|e| at(first_no, e))?;
    let cols = head.len();
    if cols < 2 {
        return Err("the file has one column: a table needs at least one feature and a target".into());
    }
    if cols - 1 > MAX_FEATURES {
        return Err(format!("the file has {} feature columns; the limit is {MAX_FEATURES}", cols - 1));
    }
    let header = head[..cols - 1].iter().any(|f| number(f).is_none());
    let target = if header {
        head.iter().position(|h| TARGET_NAMES.iter().any(|t| h.eq_ignore_ascii_case(t))).unwrap_or(cols - 1)
    } else {
        cols - 1
    };
    let names: Vec<String> = if header {
        head.iter().map(|h| if h.is_empty() { "?".to_string() } else { h.clone() }).collect()
    } else {
        (1..=cols).map(|k| if k - 1 == target { "target".to_string() } else { format!("x{k}") }).collect()
    };
    let col_name = |k: usize| format!("column {} (“{}”)", k + 1, names[k]);
    // Features row-major, targets as written.
    let (mut values, mut raw_target, mut line_of) = (Vec::new(), Vec::new(), Vec::new());
    let data_lines = (!header).then_some((first_no, first)).into_iter().chain(lines);
    for (no, line) in data_lines {
        if raw_target.len() == MAX_ROWS {
            return Err(format!("the file has more than {} rows, the limit", grouped(MAX_ROWS)));
        }
        let f = fields(line, sep).map_err(|e| at(no, e))?;
        if f.len() != cols {
            return Err(at(no, &format!("{} fields, where the {} has {cols}", f.len(), if header { "header" } else { "first line" })));
        }
        for (k, v) in f.iter().enumerate() {
            if k == target {
                continue;
            }
            match number(v) {
                Some(x) => values.push(x as f32),
                None if v.is_empty() => return Err(at(no, &format!("{} is empty (missing values are not supported)", col_name(k)))),
                None => return Err(at(no, &format!("{} holds “{}”, not a finite number", col_name(k), short(v)))),
            }
        }
        if f[target].is_empty() {
            return Err(at(no, &format!("the target, {}, is empty", col_name(target))));
        }
        raw_target.push(f[target].clone());
        line_of.push(no);
    }
    let count = raw_target.len();
    if count < MIN_ROWS {
        return Err(format!("the file has {count} data rows; at least {MIN_ROWS} are needed"));
    }
    let features = cols - 1;
    // The target as numbers (least squares), and as labels (classification).
    let numeric: Option<Vec<f64>> = raw_target.iter().map(|t| number(t)).collect();
    let mut distinct: Vec<&str> = Vec::new();
    for t in &raw_target {
        if !distinct.contains(&t.as_str()) {
            if distinct.len() > MAX_CLASSES {
                break;
            }
            distinct.push(t);
        }
    }
    let classifiable = (2..=MAX_CLASSES).contains(&distinct.len());
    // Numbers that name one class ("1" and "1.0") are one class, sorted by value.
    // A numeric label's classes by value (exact), named as the lab prints numbers.
    let class_values: Vec<f64> = match (&numeric, classifiable) {
        (Some(nums), true) => {
            let mut v = nums.clone();
            v.sort_by(f64::total_cmp);
            v.dedup();
            v
        }
        _ => Vec::new(),
    };
    let class_names: Vec<String> = if !classifiable {
        Vec::new()
    } else if numeric.is_some() {
        class_values.iter().map(|x| crate::scenario::fmt_f64(*x)).collect()
    } else {
        let mut v: Vec<String> = distinct.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    if numeric.is_none() && !classifiable {
        return Err(format!(
            "the target, {}, is not a number in every row (line {}: “{}”) and has more than {MAX_CLASSES} distinct values: it is neither a regression target nor a label",
            col_name(target),
            line_of[raw_target.iter().position(|t| number(t).is_none()).unwrap_or(0)],
            short(raw_target.iter().find(|t| number(t).is_none()).map_or("", |s| s.as_str()))
        ));
    }
    let labels: Vec<u8> = raw_target
        .iter()
        .zip(0..)
        .map(|(t, i)| match (&numeric, classifiable) {
            (_, false) => 0,
            (Some(nums), true) => class_values.iter().position(|c| *c == nums[i]).unwrap_or(0) as u8,
            (None, true) => class_names.iter().position(|c| c == t).unwrap_or(0) as u8,
        })
        .collect();
    // Every fifth row (of each class) is a test row; the training rows come first, in file order.
    let mut seen = [0usize; MAX_CLASSES];
    let is_test: Vec<bool> = labels
        .iter()
        .map(|&l| {
            let k = &mut seen[l as usize];
            *k += 1;
            *k % 5 == 0
        })
        .collect();
    let order: Vec<usize> = (0..count).filter(|&i| !is_test[i]).chain((0..count).filter(|&i| is_test[i])).collect();
    let n_test = is_test.iter().filter(|&&t| t).count();
    let train = count - n_test;
    let mut v: Vec<f32> = order.iter().flat_map(|&i| values[i * features..(i + 1) * features].iter().copied()).collect();
    drop(values);
    let scale = standardise(&mut v, features, train);
    let y: Vec<u8> = order.iter().map(|&i| labels[i]).collect();
    let (target_values, target_scale) = match &numeric {
        Some(nums) => {
            let mut t: Vec<f32> = order.iter().map(|&i| nums[i] as f32).collect();
            let s = standardise(&mut t, 1, train);
            (t, s[0])
        }
        None => (Vec::new(), (0.0, 0.0)),
    };
    let classes = if classifiable { class_names.len() } else { 0 };
    let mut d = Dataset::new(Values::Floats(v), features, y, n_test, DataSource::Upload, scale);
    d.table =
        Some(Box::new(crate::data::Table { names, target_column: target, classes, class_names, target: target_values, target_scale }));
    Ok(d)
}

/// 50000 as "50 000".
fn grouped(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A value as quoted in a message: at most 24 characters.
fn short(s: &str) -> String {
    if s.chars().count() > 24 {
        format!("{}…", s.chars().take(24).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(header: &str, n: usize, row: impl Fn(usize) -> String) -> Vec<u8> {
        let mut s = String::from(header);
        (0..n).for_each(|i| s.push_str(&format!("{}\n", row(i))));
        s.into_bytes()
    }

    #[test]
    fn a_labelled_table_with_a_header_is_split_stratified_and_standardised() {
        // 12 rows of two classes given as words, the label in the first column by name.
        let csv = rows("label;a;b\n", 12, |i| format!("{};{};\"{}\"", if i % 3 == 0 { "spam" } else { "ham" }, i, 2 * i + 1));
        let d = parse(&csv).unwrap();
        let t = d.table.as_deref().unwrap();
        assert_eq!((d.len(), d.features, d.source), (12, 2, DataSource::Upload));
        assert_eq!((t.classes, t.class_names.clone(), t.target_column), (2, vec!["ham".to_string(), "spam".into()], 0));
        assert_eq!(t.names, ["label", "a", "b"]);
        assert!(t.target.is_empty(), "words are no regression target");
        // ham: rows 1 2 4 5 7 8 10 11 (the 5th, row 7, is a test row); spam: rows 0 3 6 9 (none).
        assert_eq!(d.n_test, 1);
        let mut x = [0.0f32; 2];
        d.image(11, &mut x);
        let (ma, sa) = d.scale[0];
        assert!(((x[0] as f64) * sa + ma - 7.0).abs() < 1e-5, "the test row is row 7: {x:?}");
        assert_eq!(d.y[11], 0);
        assert_eq!(&d.y[..4], &[1, 0, 0, 1]);
    }

    #[test]
    fn a_numeric_table_without_header_serves_both_problems() {
        let csv = rows("", 20, |i| format!("{},{},{}", i as f64 * 0.5, (i * i) % 7, i % 2));
        let d = parse(&csv).unwrap();
        let t = d.table.as_deref().unwrap();
        assert_eq!((d.len(), d.features, t.classes, t.target_column), (20, 2, 2, 2));
        assert_eq!(t.names, ["x1", "x2", "target"]);
        // Stratified: 10 rows per class, every fifth (2 each) is a test row.
        assert_eq!(d.n_test, 4);
        let train = &t.target[..16];
        let mean: f32 = train.iter().sum::<f32>() / 16.0;
        assert!(mean.abs() < 1e-6 && t.target_scale == (0.5, 0.5), "{mean} {:?}", t.target_scale);
        // A target with many values is a regression target only.
        let d = parse(&rows("", 20, |i| format!("{i},{}", i as f64 * 1.5))).unwrap();
        assert_eq!(d.table.as_deref().map(|t| (t.classes, t.target.len())), Some((0, 20)));
        assert_eq!(d.n_test, 4, "rows 4, 9, 14 and 19");
    }

    #[test]
    fn malformed_files_are_refused_with_the_line_and_column() {
        let bad = |s: &str| parse(s.as_bytes()).unwrap_err();
        let ten = |extra: &str| format!("a,b,y\n{}{extra}", "1,2,3\n".repeat(10));
        assert!(bad("").contains("empty"));
        assert!(bad("1\n2\n").contains("one column"));
        assert!(bad(&ten("1,2\n")).contains("line 12: 2 fields, where the header has 3"), "{}", bad(&ten("1,2\n")));
        assert!(bad(&ten("1,x,3\n")).contains("line 12: column 2 (“b”) holds “x”"), "{}", bad(&ten("1,x,3\n")));
        assert!(bad(&ten("1,,3\n")).contains("empty"));
        assert!(bad(&ten("1,inf,3\n")).contains("not a finite number"));
        assert!(bad(&ten("\"1,2,3\n")).contains("quoted"));
        assert!(bad("a,y\n1,2\n").contains("1 data rows"));
        let words = format!("a,y\n{}", (0..20).map(|i| format!("{i},w{i}\n")).collect::<String>());
        assert!(bad(&words).contains("neither a regression target nor a label"), "{}", bad(&words));
        let wide = format!("{}\n", vec!["1"; MAX_FEATURES + 2].join(","));
        assert!(bad(&wide).contains("feature columns"));
        assert!(parse(&[0xff, 0xfe, 0x00]).unwrap_err().contains("not text"));
        assert!(parse(&vec![b'1'; MAX_BYTES + 1]).unwrap_err().contains("limit is 10 MB"));
        let long = format!("a,y\n{}", "1,2\n".repeat(MAX_ROWS + 1));
        assert!(bad(&long).contains("more than 50 000 rows"), "{}", bad(&long));
    }
}
