//! Your own data: a CSV table chosen with the panel's file picker ("Your data"). The file is read
//! in the page and parsed here, on the main thread, with the engine's reader ([`crate::engine::csv`]),
//! so a malformed file gets its message at once and the current run goes on untouched; a good one
//! goes to the lab (and its Web Workers) as bytes, like the data files, and nothing leaves the page.
//! A link can carry `problem=csv-ls` or `csv-class`, never the table: opened elsewhere, the lab
//! asks for the file ([`crate::lab::UPLOAD_FIRST`]).

use super::{App, DataState, Msg};
use crate::engine::csv;
use crate::engine::data::Dataset;
use crate::engine::scenario::{DataSource, ProblemKind};
use yew::prelude::*;

/// The table chosen last: its name and what it holds, or why it was refused.
#[derive(Default)]
pub struct Upload {
    /// (file name, description) of the table in use.
    pub table: Option<(String, String)>,
    /// The last file's refusal (the table in use, if any, stays).
    pub error: Option<String>,
    /// A file is being read.
    pub reading: bool,
}

impl App {
    /// A file was chosen: read it, unless it is over the limit.
    pub(super) fn csv_chosen(&mut self, ctx: &Context<Self>, file: web_sys::File) {
        let name = file.name();
        if file.size() > csv::MAX_BYTES as f64 {
            self.upload.error =
                Some(format!("{name}: the file has {:.1} MB; the limit is {} MB", file.size() / (1 << 20) as f64, csv::MAX_BYTES >> 20));
            return;
        }
        self.upload.reading = true;
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buf) => Ok(js_sys::Uint8Array::new(&buf)),
                Err(e) => Err(format!("the file could not be read ({e:?})")),
            };
            link.send_message(Msg::CsvRead(name, bytes));
        });
    }

    /// A chosen file's bytes: parsed; a table is handed to the lab and its problem chosen.
    pub(super) fn csv_read(&mut self, ctx: &Context<Self>, name: String, bytes: Result<js_sys::Uint8Array, String>) {
        self.upload.reading = false;
        let parsed = bytes.and_then(|b| Dataset::from_csv(&b.to_vec()).map(|d| (d, b)));
        let (table, bytes) = match parsed {
            Ok(t) => t,
            Err(e) => {
                self.upload.error = Some(format!("{name}: {e}"));
                return;
            }
        };
        self.upload.error = None;
        self.upload.table = Some((name, table.describe()));
        *self.data.get(DataSource::Upload) = DataState::Loaded;
        self.send_data(ctx, bytes, true);
        // Keep the chosen problem of the table if it applies; else classification when the target
        // is a label only or a small set of values, least squares otherwise.
        let t = table.table.as_deref();
        let labels = t.is_some_and(|t| t.classes >= 2);
        let numbers = t.is_some_and(|t| !t.target.is_empty());
        let fits = |p: ProblemKind| if p == ProblemKind::CsvClass { labels } else { numbers };
        if !(self.scenario.problem.uses_upload() && fits(self.scenario.problem)) {
            let p = if labels { ProblemKind::CsvClass } else { ProblemKind::CsvLs };
            self.scenario =
                crate::engine::scenario::Scenario { seed: self.scenario.seed, ..crate::engine::scenario::Scenario::defaults_for(p) };
        }
        self.scenario_changed(ctx, true);
    }

    /// The panel's "Your data" section: the picker, the rules and limits, what the table holds.
    pub(super) fn upload_html(&self, link: &yew::html::Scope<Self>) -> Html {
        let onchange = link.batch_callback(|e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let file = input.files().and_then(|f| f.get(0));
            // The same file chosen again (edited on disk) fires again.
            input.set_value("");
            file.map(Msg::CsvFile)
        });
        let u = &self.upload;
        html! {
            <fieldset id="your-data" class="upload">
                <legend>{"Your data"}</legend>
                <label class="file" for="csv-file">{"Upload a CSV table…"}</label>
                <input type="file" id="csv-file" accept=".csv,.tsv,.txt,text/csv,text/plain" {onchange} />
                <small class="note">
                    { format!(
                        "Features in columns, the target in the last column (or one named target, label, class or y): a number for least squares, \
                         or up to {} labels for classification. Header row optional; comma, semicolon or tab; {}. Every fifth row is kept for testing.",
                        csv::MAX_CLASSES, csv::limits()
                    ) }
                </small>
                <small class="note privacy">{"The file stays in this page: it is read here and sent nowhere. A link keeps the settings, not the table."}</small>
                if u.reading { <p class="note" id="csv-reading">{"reading…"}</p> }
                if let Some((name, what)) = &u.table {
                    <p class="note" id="csv-table">{ format!("{name}: {what}") }</p>
                }
                if let Some(e) = &u.error {
                    <p class="warn" id="csv-error" role="alert">{ format!("⚠ {e}. The current run goes on.") }</p>
                }
            </fieldset>
        }
    }
}
