//! Form controls: native `<input type=range>` sliders (keyboard operable) with the value shown and
//! editable next to them, menus and check boxes; and the scenario's controls, built from the
//! parameter table ([`scenario_controls`]), each reporting an [`Edit`].

use crate::engine::scenario::param::Domain;
use crate::engine::scenario::rules::list_items;
use crate::engine::scenario::{Edit, Group, Param, Scenario, PARAMS};
use crate::lab::page::Page;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A change of one scenario key.
pub type OnSet = Callback<(String, String)>;

/// A text field the user types into is not overwritten by re-renders (the app re-renders every
/// animation frame while playing): its DOM value is set only when the scenario's value changes.
#[hook]
fn use_synced_value(value: String) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(value, move |v| {
            if let Some(input) = node.cast::<HtmlInputElement>() {
                input.set_value(v);
            }
        });
    }
    node
}

#[derive(Properties, PartialEq)]
pub struct SliderProps {
    /// The scenario's query key; also the element id (`ctl-<key>`).
    pub id: AttrValue,
    pub label: Html,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub value: f64,
    #[prop_or_default]
    pub note: Option<AttrValue>,
    #[prop_or_default]
    pub title: AttrValue,
    pub on_set: OnSet,
}

fn fmt(v: f64) -> String {
    crate::engine::scenario::fmt_f64(v)
}

#[function_component(Slider)]
pub fn slider(p: &SliderProps) -> Html {
    let key = p.id.to_string();
    let on_range = {
        let (cb, key) = (p.on_set.clone(), key.clone());
        Callback::from(move |e: InputEvent| cb.emit((key.clone(), e.target_unchecked_into::<HtmlInputElement>().value())))
    };
    let on_number = {
        let (cb, key) = (p.on_set.clone(), key.clone());
        Callback::from(move |e: Event| cb.emit((key.clone(), e.target_unchecked_into::<HtmlInputElement>().value())))
    };
    let id = format!("ctl-{key}");
    let v = fmt(p.value);
    let number = use_synced_value(v.clone());
    html! {
        <div class="ctl" title={p.title.clone()}>
            <label for={id.clone()}>{ p.label.clone() }</label>
            <div class="row">
                <input type="range" id={id.clone()} min={fmt(p.min)} max={fmt(p.max)} step={fmt(p.step)} value={v.clone()} oninput={on_range} />
                <input type="number" class="num" ref={number} aria-label={format!("{key} value")} min={fmt(p.min)} max={fmt(p.max)} step="any" onchange={on_number} />
            </div>
            if let Some(n) = &p.note { <small class="note" id={format!("note-{key}")}>{ n.clone() }</small> }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct NumberProps {
    pub id: AttrValue,
    pub label: Html,
    pub value: AttrValue,
    #[prop_or_default]
    pub title: AttrValue,
    pub on_set: OnSet,
}

/// A free number field (for values with no natural slider range, like the seed).
#[function_component(NumberField)]
pub fn number_field(p: &NumberProps) -> Html {
    let key = p.id.to_string();
    let onchange = {
        let (cb, key) = (p.on_set.clone(), key.clone());
        Callback::from(move |e: Event| cb.emit((key.clone(), e.target_unchecked_into::<HtmlInputElement>().value())))
    };
    let id = format!("ctl-{key}");
    let field = use_synced_value(p.value.to_string());
    html! {
        <div class="ctl" title={p.title.clone()}>
            <label for={id.clone()}>{ p.label.clone() }</label>
            <input type="text" inputmode="decimal" id={id} class="wide" ref={field} {onchange} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SelectProps {
    pub id: AttrValue,
    pub label: Html,
    /// (value, label) pairs.
    pub options: Vec<(String, String)>,
    pub value: AttrValue,
    #[prop_or_default]
    pub title: AttrValue,
    pub on_set: OnSet,
}

#[function_component(Select)]
pub fn select(p: &SelectProps) -> Html {
    let key = p.id.to_string();
    let onchange = {
        let (cb, key) = (p.on_set.clone(), key.clone());
        Callback::from(move |e: Event| cb.emit((key.clone(), e.target_unchecked_into::<HtmlSelectElement>().value())))
    };
    let id = format!("ctl-{key}");
    // The menu shows the scenario's value even after the user picked another (Back, a preset):
    // an option's `selected` attribute no longer counts once the user has chosen.
    let node = use_node_ref();
    {
        let (node, value) = (node.clone(), p.value.clone());
        use_effect(move || {
            if let Some(select) = node.cast::<HtmlSelectElement>() {
                if select.value() != *value {
                    select.set_value(&value);
                }
            }
        });
    }
    html! {
        <div class="ctl" title={p.title.clone()}>
            <label for={id.clone()}>{ p.label.clone() }</label>
            <select id={id} ref={node} {onchange}>
                { for p.options.iter().map(|(v, l)| html! { <option value={v.clone()} selected={*v == *p.value}>{ l.clone() }</option> }) }
            </select>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct CheckProps {
    pub id: AttrValue,
    pub label: Html,
    pub checked: bool,
    pub on_toggle: Callback<bool>,
    #[prop_or_default]
    pub title: AttrValue,
}

#[function_component(Check)]
pub fn check(p: &CheckProps) -> Html {
    let onchange = {
        let cb = p.on_toggle.clone();
        Callback::from(move |e: Event| cb.emit(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let id = format!("ctl-{}", p.id);
    html! {
        <label class="check" for={id.clone()} title={p.title.clone()}>
            <input type="checkbox" id={id} checked={p.checked} {onchange} />
            { p.label.clone() }
        </label>
    }
}

// ------------------------------------------------------------------------------------------------
// The scenario's controls, from the parameter table: no parameter is named here.

/// The label of a parameter's control: its symbol in italics (with a subscript), then its words.
fn label(p: &Param) -> Html {
    let c = &p.control;
    html! {
        <>
            if !c.sym.is_empty() { <i>{ c.sym }</i> }
            if !c.sub.is_empty() { <sub>{ c.sub }</sub> }
            { if c.sym.is_empty() { c.label.to_string() } else { format!(" {}", c.label) } }
        </>
    }
}

/// One parameter's control, by its domain.
fn control(p: &'static Param, sc: &Scenario, on_edit: &Callback<Edit>) -> Html {
    let c = &p.control;
    let title = AttrValue::from(p.help());
    let note = c.note.map(|f| AttrValue::from(f(sc)));
    let set = {
        let cb = on_edit.clone();
        Callback::from(move |(_, v): (String, String)| cb.emit(Edit::Set(p, v)))
    };
    match p.domain {
        Domain::Int { .. } | Domain::Num { .. } if c.slider.is_some() => {
            let (min, max, step) = c.slider.unwrap_or_default();
            html! { <Slider id={p.key} label={label(p)} {min} {max} {step} value={p.num(sc).unwrap_or(0.0)} {note} {title} on_set={set} /> }
        }
        Domain::Choice(_) => {
            let mut options: Vec<(String, String)> = p.allowed(sc).into_iter().map(|(k, l)| (k.to_string(), l.to_string())).collect();
            let value = p.get(sc);
            if !options.iter().any(|o| o.0 == value) {
                if let Some(o) = p.domain.options().iter().find(|o| o.0 == value) {
                    options.insert(0, (o.0.to_string(), o.1.to_string()));
                }
            }
            html! { <Select id={p.key} label={label(p)} {options} value={value} {title} on_set={set} /> }
        }
        Domain::Flag => {
            let cb = on_edit.clone();
            let on_toggle = Callback::from(move |on: bool| cb.emit(Edit::Set(p, if on { "1" } else { "0" }.into())));
            html! { <Check id={p.key} label={label(p)} checked={p.get(sc) == "1"} {on_toggle} {title} /> }
        }
        Domain::List { .. } | Domain::Stages { .. } => {
            let prefix = match p.domain {
                Domain::List { prefix, .. } => prefix,
                _ => None,
            };
            let (items, on) = list_items(p, sc);
            let allowed = p.allowed(sc);
            html! {
                <div class="ctl" {title}>
                    <div class="list-label">{ label(p) }</div>
                    <div class="aggs" role="group" aria-label={c.label}>
                        { for p.domain.options().iter().filter(|o| allowed.contains(o) || items.iter().any(|i| i == o.0)).map(|&(key, text)| {
                            let cb = on_edit.clone();
                            let checked = items.iter().any(|i| i == key);
                            html! { <Check key={key} id={format!("{}-{key}", p.key)} label={html!{ text }} {checked} on_toggle={Callback::from(move |on| cb.emit(Edit::Toggle(p, key, on)))} /> }
                        }) }
                    </div>
                    if let Some((pre, text)) = prefix {
                        <Check id={pre.trim_end_matches('-').to_string()} label={html!{ text }} checked={on.is_some()}
                            on_toggle={{ let cb = on_edit.clone(); Callback::from(move |on| cb.emit(Edit::Prefix(p, on))) }} />
                    }
                </div>
            }
        }
        _ => html! { <NumberField id={p.key} label={label(p)} value={p.get(sc)} {title} on_set={set} /> },
    }
}

/// Every control the scenario shows, in fieldsets by group, in table order, but for the groups
/// and controls the page hides (`hide=group-run,alpha`).
pub fn scenario_controls(sc: &Scenario, on_edit: &Callback<Edit>, page: &Page) -> Html {
    html! {
        { for Group::ALL.iter().filter(|g| !page.hides(&format!("group-{}", g.key()))).map(|&g| {
            let shown: Vec<&'static Param> = PARAMS.iter().filter(|p| p.control.group == g && (p.control.show)(sc) && !page.hides(p.key)).collect();
            if shown.is_empty() {
                return html! {};
            }
            html! {
                <fieldset class={format!("group-{}", g.key())}>
                    <legend>{ g.label() }</legend>
                    // Keyed by parameter: a control that appears or goes leaves the others' elements
                    // (and a checkbox being clicked) where they are.
                    { for shown.into_iter().map(|p| html! { <key={p.key}>{ control(p, sc, on_edit) }</> }) }
                </fieldset>
            }
        }) }
    }
}
