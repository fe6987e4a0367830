//! The page's own keys in a link, beside the scenario's: which lesson step is open, what a
//! lecturer hid, whether the page is embedded, its theme, lecture mode. They say how the page
//! looks, not what is computed, so they are not part of [`Scenario`]: [`split`] takes them out of a
//! query before the scenario parses the rest, and [`Page::to_query`] writes them after it. The
//! CLI accepts a page's link as it is (it ignores these keys).
//!
//! [`Scenario`]: crate::engine::scenario::Scenario

use crate::engine::scenario::{decode_component, encode_component, shorten, Group, Notice, PARAMS};

/// How the page is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    /// The reader's system setting (`prefers-color-scheme`): light or dark.
    #[default]
    Auto,
    Light,
    Dark,
    /// Black on white, thicker lines, darker hues: for a washed-out projector.
    Contrast,
}

impl Theme {
    pub const ALL: [Theme; 4] = [Theme::Auto, Theme::Light, Theme::Dark, Theme::Contrast];
    pub fn key(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Contrast => "contrast",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Theme::Auto => "as the system",
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Contrast => "high contrast",
        }
    }
}

/// The panels of the page a lecturer can hide (`hide=`), with what each is. Beside these, a group
/// of controls (`group-byzantine`) or one control (its query key, `alpha`) can be hidden.
pub const PANELS: &[(&str, &str)] = &[
    ("header", "the title bar and its buttons"),
    ("views", "the view tabs"),
    ("transport", "play, step, reset and speed"),
    ("controls", "the whole panel of controls"),
    ("options", "the view's own menus under the plot"),
    ("upload", "“Your data”, the CSV upload in the panel"),
    ("explain", "the view's explanation and formula"),
    ("export", "the export and link buttons"),
    ("lessons", "the list of lessons"),
    ("papers", "the papers' presets"),
    ("classroom", "the classroom menu itself"),
    ("caption", "the caption of an embedded plot"),
];

/// The page's keys: (key, default, meaning), for `byzlab-cli keys` and the README.
pub const KEYS: &[(&str, &str, &str)] = &[
    ("lesson", "", "A guided lesson to open (its id, from the lessons/ folder); see `byzlab-cli lessons`."),
    ("step", "1", "The lesson's step to open, from 1. A link with only lesson and step loads that step's scenario and view."),
    ("hide", "", "Comma list of what the page does not show: panels (header, views, transport, controls, options, explain, export, lessons, papers, classroom, caption), a group of controls (group-data, group-byzantine, group-master, group-algorithm, group-run) or one control (its key, e.g. alpha)."),
    ("embed", "0", "1: a chromeless page for an iframe: the plot, the transport and a caption."),
    ("theme", "auto", "Colours: auto (the system's light or dark), light, dark, contrast (for projectors)."),
    ("lecture", "0", "1: lecture mode (large type and thick lines), as the L key toggles it."),
    ("compare", "", "A second scenario's query (percent-encoded), drawn beside this one with one transport: compare=alpha%3D0.3."),
];

/// The page's settings a link holds.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Page {
    /// The open lesson's id.
    pub lesson: Option<String>,
    /// The open step, from 0.
    pub step: usize,
    /// What is hidden, in the order given.
    pub hide: Vec<String>,
    pub embed: bool,
    pub theme: Theme,
    pub lecture: bool,
    /// A second scenario to draw beside this one (its query).
    pub compare: Option<String>,
}

/// Whether `name` is something `hide=` can name.
pub fn hideable(name: &str) -> bool {
    PANELS.iter().any(|p| p.0 == name)
        || Group::ALL.iter().any(|g| name.strip_prefix("group-") == Some(g.key()))
        || PARAMS.iter().any(|p| p.key == name)
}

fn flag(key: &str, v: &str, notices: &mut Vec<Notice>) -> bool {
    match v {
        "1" | "true" | "on" => true,
        "0" | "false" | "off" | "" => false,
        _ => {
            notices.push(Notice::new(key, format!("unknown value “{}”; used 0", shorten(v))));
            false
        }
    }
}

/// Splits a query into the scenario's part (as it was, page keys left out) and the page's settings,
/// with a notice for each value the page could not use.
pub fn split(query: &str) -> (String, Page, Vec<Notice>) {
    let q = query.strip_prefix('?').unwrap_or(query);
    let (mut page, mut notices, mut rest) = (Page::default(), Vec::new(), Vec::new());
    // The same cap on hostile input as the scenario's parser: the first 200 pairs.
    for part in q.split('&').filter(|p| !p.is_empty()).take(200) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let v = decode_component(&v.chars().take(400).collect::<String>());
        match k {
            "lesson" => {
                let id: String = v.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(64).collect();
                page.lesson = (!id.is_empty()).then_some(id);
            }
            "step" => match v.parse::<usize>() {
                Ok(s) if s >= 1 => page.step = s - 1,
                _ => notices.push(Notice::new("step", format!("unknown value “{}”; used 1", shorten(&v)))),
            },
            "hide" => {
                for name in v.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    if !hideable(name) {
                        notices.push(Notice::new("hide", format!("nothing called “{}” to hide", shorten(name))));
                    } else if !page.hide.iter().any(|h| h == name) {
                        page.hide.push(name.to_string());
                    }
                }
            }
            "embed" => page.embed = flag("embed", &v, &mut notices),
            "lecture" => page.lecture = flag("lecture", &v, &mut notices),
            "compare" => {
                let q = v.trim().trim_start_matches('?').to_string();
                page.compare = (!q.is_empty()).then_some(q);
            }
            "theme" => match Theme::ALL.iter().find(|t| t.key() == v) {
                Some(t) => page.theme = *t,
                None => notices.push(Notice::new("theme", format!("unknown value “{}”; used auto", shorten(&v)))),
            },
            _ => rest.push(part),
        }
    }
    (rest.join("&"), page, notices)
}

impl Page {
    /// Whether `name` (a panel, a group `group-…` or a control's key) is hidden.
    pub fn hides(&self, name: &str) -> bool {
        self.hide.iter().any(|h| h == name)
    }

    /// Hides or shows `name`.
    pub fn set_hidden(&mut self, name: &str, hidden: bool) {
        self.hide.retain(|h| h != name);
        if hidden && hideable(name) {
            self.hide.push(name.to_string());
        }
    }

    /// The page's keys that differ from their defaults, as a query (`""` for none), in [`KEYS`] order.
    pub fn to_query(&self) -> String {
        let mut out = Vec::new();
        if let Some(l) = &self.lesson {
            out.push(format!("lesson={l}"));
            out.push(format!("step={}", self.step + 1));
        }
        if !self.hide.is_empty() {
            out.push(format!("hide={}", encode_component(&self.hide.join(","))));
        }
        if self.embed {
            out.push("embed=1".into());
        }
        if self.theme != Theme::Auto {
            out.push(format!("theme={}", self.theme.key()));
        }
        if self.lecture {
            out.push("lecture=1".into());
        }
        if let Some(c) = &self.compare {
            out.push(format!("compare={}", encode_component(c)));
        }
        out.join("&")
    }
}

/// A scenario's query and a page's, joined.
pub fn join(scenario: &str, page: &Page) -> String {
    let p = page.to_query();
    match (scenario.is_empty(), p.is_empty()) {
        (_, true) => scenario.to_string(),
        (true, false) => p,
        (false, false) => format!("{scenario}&{p}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_keys_come_out_and_go_back_in() {
        let (rest, page, notices) = split(
            "?m=20&lesson=mean&step=3&hide=papers,alpha,group-run&embed=1&theme=dark&lecture=1&alpha=0.2&compare=alpha%3D0.3%26agg%3Dmean",
        );
        assert_eq!(rest, "m=20&alpha=0.2");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(page.lesson.as_deref(), Some("mean"));
        assert_eq!(page.step, 2);
        assert!(page.hides("papers") && page.hides("alpha") && page.hides("group-run") && !page.hides("beta"));
        assert!(page.embed && page.lecture && page.theme == Theme::Dark);
        assert_eq!(page.compare.as_deref(), Some("alpha=0.3&agg=mean"));
        let q = page.to_query();
        assert_eq!(q, "lesson=mean&step=3&hide=papers,alpha,group-run&embed=1&theme=dark&lecture=1&compare=alpha%3D0.3%26agg%3Dmean");
        assert_eq!(split(&q).1, page);
        assert_eq!(join("m=20", &Page::default()), "m=20");
    }

    #[test]
    fn bad_page_values_are_reported_and_dropped() {
        let (rest, page, notices) = split("hide=papers,nosuch&theme=neon&step=0&embed=maybe&lesson=%3Cscript%3E");
        assert_eq!(rest, "");
        assert_eq!(page.hide, vec!["papers".to_string()]);
        assert_eq!(page.theme, Theme::Auto);
        assert_eq!(page.step, 0);
        assert!(!page.embed);
        assert_eq!(page.lesson.as_deref(), Some("script"));
        let keys: Vec<&str> = notices.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["hide", "theme", "step", "embed"]);
    }
}
