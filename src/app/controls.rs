//! Form controls: native `<input type=range>` sliders (keyboard operable) with the value shown and
//! editable next to them, menus and check boxes. Each reports (query key, new value).

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
    html! {
        <div class="ctl" title={p.title.clone()}>
            <label for={id.clone()}>{ p.label.clone() }</label>
            <select id={id} {onchange}>
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
