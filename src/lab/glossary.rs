//! The papers' symbols and what they mean: the app gives every symbol in a view's text a tooltip.

/// (symbol, meaning). Latin letters only count standing alone ("m", not the m of "mean").
pub const SYMBOLS: &[(&str, &str)] = &[
    ("α", "α: the Byzantine fraction; ⌊αm⌋ of the m workers are Byzantine"),
    ("β", "β: the fraction the master assumes Byzantine; rules trim or screen f = ⌊βm⌋"),
    ("Δ", "Δ: how far the aggregate may be from the true gradient ∇F (a Δ-inexact oracle)"),
    ("ε", "ε: ByzantinePGD's gradient threshold: a perturbation starts when ‖ĝ‖ ≤ ε"),
    ("η", "η: the step size"),
    ("σ", "σ: the noise level of the data"),
    ("λ", "λ: a penalty weight (RSA's λ, DRO's λ), or the saddle's curvature in Proposition 4.4"),
    ("Tₜₕ", "Tₜₕ: the steps of one escape round of ByzantinePGD"),
    ("∇F", "∇F: the true (population) gradient of the loss at the current point"),
    ("f", "f = ⌊βm⌋: the number of Byzantine inputs the master's rule assumes"),
    ("m", "m: the number of workers"),
    ("n", "n: samples per worker"),
    ("d", "d: the dimension of the model"),
    ("q", "q = ⌊αm⌋: the number of Byzantine workers"),
    ("r", "r: the radius of ByzantinePGD's random perturbation"),
    ("R", "R: the escape radius: an escape round that moved at least R escaped"),
    ("Q", "Q: how many perturbation rounds ByzantinePGD tries before it stops"),
    ("T", "T: the number of iterations (rounds of communication)"),
];

/// `text` cut into pieces, each a symbol with its meaning or plain text.
pub fn spans(text: &str) -> Vec<(String, Option<&'static str>)> {
    let mut out: Vec<(String, Option<&'static str>)> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    let mut prev: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let found = SYMBOLS.iter().find(|(sym, _)| {
            if !rest.starts_with(sym) {
                return false;
            }
            let latin = sym.chars().all(|c| c.is_ascii_alphabetic());
            let next = rest[sym.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
            !latin || (!word(prev) && !word(next) && prev != Some('‖') && next != Some('('))
        });
        match found {
            Some((sym, meaning)) => {
                if !plain.is_empty() {
                    out.push((std::mem::take(&mut plain), None));
                }
                out.push((sym.to_string(), Some(meaning)));
                rest = &rest[sym.len()..];
                prev = sym.chars().last();
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
                prev = Some(c);
            }
        }
    }
    if !plain.is_empty() {
        out.push((plain, None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_found_standing_alone() {
        let s = spans("with m = 40 workers, the median drops f = ⌊βm⌋ values; Tₜₕ steps");
        let syms: Vec<&str> = s.iter().filter(|p| p.1.is_some()).map(|p| p.0.as_str()).collect();
        assert_eq!(syms, vec!["m", "f", "β", "Tₜₕ"]);
        assert_eq!(s.iter().map(|p| p.0.as_str()).collect::<String>(), "with m = 40 workers, the median drops f = ⌊βm⌋ values; Tₜₕ steps");
    }
}
