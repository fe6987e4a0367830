//! The page's teaching kit: guided lessons (their card above the plot, the list of lessons, the
//! arrow keys), the marked element a step points at, and the classroom menu that writes `hide=`
//! and `theme=` into the link. The lessons themselves are data ([`crate::lab::lessons`]).

use super::{browser, App, Msg};
use crate::engine::scenario::Group;
use crate::lab::host::Command;
use crate::lab::lessons::{Lesson, Step};
use crate::lab::page::{Theme, PANELS};
use crate::plots::Palette;
use yew::prelude::*;

impl App {
    /// The colours the page and its plot are drawn in: the link's theme, or the system's.
    pub(super) fn palette(&self) -> Palette {
        match self.page.theme {
            Theme::Auto if browser::prefers_dark() => Palette::Dark,
            Theme::Auto | Theme::Light => Palette::Light,
            Theme::Dark => Palette::Dark,
            Theme::Contrast => Palette::Contrast,
        }
    }

    /// The open lesson.
    pub(super) fn lesson(&self) -> Option<&Lesson> {
        let id = self.page.lesson.as_deref()?;
        self.lessons.iter().find(|l| l.id == id)
    }

    /// The open lesson and its current step.
    pub(super) fn lesson_step(&self) -> Option<(&Lesson, &Step)> {
        let l = self.lesson()?;
        l.steps.get(self.page.step).map(|s| (l, s))
    }

    /// Opens step `k` of the open lesson: its scenario (the runs restart only if it differs), its
    /// view and the view's settings; `push` makes a history entry.
    pub(super) fn enter_step(&mut self, ctx: &Context<Self>, k: usize, push: bool) {
        let Some(lesson) = self.lesson().cloned() else {
            self.notices.push(format!("no lesson “{}”: see the list of lessons", self.page.lesson.take().unwrap_or_default()));
            self.sync_url(false);
            return;
        };
        let k = k.min(lesson.steps.len() - 1);
        self.page.step = k;
        let step = &lesson.steps[k];
        if self.preset.take().is_some() {
            self.send(ctx, Command::ClosePreset);
        }
        self.take_scenario(ctx, step.scenario());
        let (v, opts) = step.view();
        if v != self.view {
            self.show_view(ctx, v);
        }
        self.set_view_options(ctx, v, opts);
        self.scroll_to_point = true;
        self.sync_url(push);
    }

    /// Marks the element the step points at (and unmarks the last one); after a step change,
    /// scrolls it into view.
    pub(super) fn mark_pointed(&mut self) {
        let want = self.lesson_step().and_then(|(_, s)| s.point.clone()).filter(|_| !self.page.embed);
        let doc = browser::document();
        // The whole control (label, slider and value) or check box, not only its input.
        let target = |id: &str| doc.get_element_by_id(id).map(|e| e.closest("label.check, .ctl, .plot-wrap").ok().flatten().unwrap_or(e));
        if let Some(old) = self.pointed.as_deref().filter(|o| Some(*o) != want.as_deref()) {
            if let Some(e) = target(old) {
                let _ = e.class_list().remove_1("pointed");
            }
        }
        if let Some(e) = want.as_deref().and_then(target) {
            let _ = e.class_list().add_1("pointed");
            // Into view in the panel of controls only (scrolling the page would move the plot).
            if std::mem::take(&mut self.scroll_to_point) {
                if let Some(panel) = e.closest("aside.controls").ok().flatten() {
                    let (er, pr) = (e.get_bounding_client_rect(), panel.get_bounding_client_rect());
                    if er.top() < pr.top() || er.bottom() > pr.bottom() {
                        let by = er.top() - pr.top() - (pr.height() - er.height()) / 2.0;
                        panel.set_scroll_top(panel.scroll_top() + by as i32);
                    }
                }
            }
        }
        self.pointed = want;
    }

    /// The open step: where it is in the lesson, its caption and formula, what to try and whether
    /// it is done, and the way on.
    pub(super) fn lesson_card(&self, link: &yew::html::Scope<Self>) -> Html {
        let Some((lesson, step)) = self.lesson_step() else { return html! {} };
        let (k, n) = (self.page.step, lesson.steps.len());
        let done = step.done(&self.scenario, self.view);
        html! {
            <section id="lesson" class="lesson" aria-label={format!("lesson: {}", lesson.title)} aria-live="polite" data-point={step.point.clone()} data-done={done.to_string()}>
                <div class="lesson-head">
                    <span class="lesson-title">{ format!("{} · {} of {n}", lesson.title, k + 1) }</span>
                    <h2 id="lesson-step">{ step.title.clone() }</h2>
                    <span class="lesson-nav">
                        <button id="lesson-prev" disabled={k == 0} onclick={link.callback(|_| Msg::LessonMove(-1))} title="the step before (←)">{"← Back"}</button>
                        <button id="lesson-next" class="primary" disabled={k + 1 >= n} onclick={link.callback(|_| Msg::LessonMove(1))} title="the next step (→)">{"Next →"}</button>
                        <button id="lesson-close" onclick={link.callback(|_| Msg::Lesson(None))} title="close the lesson" aria-label="close the lesson">{"×"}</button>
                    </span>
                </div>
                { for step.text.iter().map(|t| html! { <p>{ super::with_symbols(t) }</p> }) }
                if let Some(f) = &step.formula { <p class="lesson-formula">{ super::with_symbols(f) }</p> }
                if let Some(t) = &step.task {
                    <p id="lesson-task" class={classes!("lesson-task", done.then_some("done"))}>
                        { if done { "✓ Done: " } else if step.checks.is_empty() { "Try: " } else { "Try (checked): " } }
                        { super::with_symbols(t) }
                    </p>
                }
            </section>
        }
    }

    /// The lessons, each opening at its first step.
    pub(super) fn lesson_list(&self, link: &yew::html::Scope<Self>) -> Html {
        let open = self.page.lesson.clone();
        html! {
            <section id="lessons" class="papers" aria-label="guided lessons">
                <h2>{"Lessons"}</h2>
                <p>{"Step-by-step walks through the papers' arguments: each step sets the scenario and the view, points at what it is about and may ask you to try something. ← and → move through the steps; a step's link opens it."}</p>
                <div class="preset-list">
                    { for self.lessons.iter().map(|l| {
                        let id = l.id.clone();
                        let pressed = open.as_deref() == Some(id.as_str());
                        html! { <button id={format!("lesson-{id}")} aria-pressed={pressed.to_string()} title={l.summary.clone()} onclick={link.callback(move |_| Msg::Lesson(Some(id.clone())))}>{ l.title.clone() }</button> }
                    }) }
                </div>
            </section>
        }
    }

    /// What a lecturer hides from a class, and the theme: written into the link as they are set.
    pub(super) fn classroom_menu(&self, link: &yew::html::Scope<Self>) -> Html {
        let check = |name: String, label: String| {
            let hidden = self.page.hides(&name);
            let id = format!("hide-{name}");
            html! {
                <label class="check" for={id.clone()}>
                    <input type="checkbox" id={id} checked={hidden}
                        onchange={link.callback(move |e: Event| Msg::Hide(name.clone(), e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()))} />
                    { label }
                </label>
            }
        };
        let embed = {
            let mut page = self.page.clone();
            page.embed = true;
            let base = browser::href();
            let base = base.split(['?', '#']).next().unwrap_or_default().to_string();
            format!("{base}?{}#{}", crate::lab::page::join(&self.scenario.to_query(), &page), self.view.key())
        };
        html! {
            <details id="classroom" class="classroom">
                <summary>{"Classroom: hide controls, theme, embed"}</summary>
                <p>{"Ticked items are hidden; the link (Copy link) keeps the choice, so a class opens the page as you set it. “classroom” hides this menu too: remove hide= from the link to get it back."}</p>
                <fieldset>
                    <legend>{"Panels"}</legend>
                    <div class="aggs">{ for PANELS.iter().map(|(k, what)| check(k.to_string(), format!("{k}: {what}"))) }</div>
                </fieldset>
                <fieldset>
                    <legend>{"Groups of controls"}</legend>
                    <div class="aggs">{ for Group::ALL.iter().map(|g| check(format!("group-{}", g.key()), g.label().to_string())) }</div>
                </fieldset>
                <div class="ctl">
                    <label for="hide-keys">{"single controls (their keys, comma separated)"}</label>
                    <input id="hide-keys" class="wide" type="text" value={self.page.hide.iter().filter(|h| crate::engine::scenario::PARAMS.iter().any(|p| p.key == h.as_str())).cloned().collect::<Vec<_>>().join(",")}
                        onchange={link.callback(|e: Event| Msg::HideKeys(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))} />
                </div>
                <div class="ctl">
                    <label for="theme">{"theme"}</label>
                    <select id="theme" onchange={link.callback(|e: Event| Msg::Theme(Theme::ALL[e.target_unchecked_into::<web_sys::HtmlSelectElement>().selected_index().max(0) as usize % Theme::ALL.len()]))}>
                        { for Theme::ALL.iter().map(|t| html! { <option value={t.key()} selected={*t == self.page.theme}>{ t.label() }</option> }) }
                    </select>
                </div>
                <div class="ctl">
                    <label for="embed-link">{"embed this plot (an iframe in slides or a course page; works offline once saved)"}</label>
                    <input id="embed-link" class="wide" readonly=true value={format!("<iframe src=\"{embed}\" width=\"800\" height=\"560\" title=\"byzlab\"></iframe>")} />
                </div>
            </details>
        }
    }
}
