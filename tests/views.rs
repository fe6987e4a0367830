//! Every view renders, natively, to SVG through the same drawing code the browser uses, and the
//! SVG holds what the view's plot data say it should: the title, every legend label, a line or
//! band per series, a marker per message. The files land in target/views/ for people to look at.
#![cfg(not(target_arch = "wasm32"))] // native: files, processes and the data on disk

use byzlab::engine::scenario::Scenario;
use byzlab::lab::{Lab, ViewId};
use byzlab::plots::Plot;

fn count(svg: &str, tag: &str) -> usize {
    svg.matches(&format!("<{tag}")).count()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The texts a plot must show, and the elements (tag, at least how many) its data imply.
fn expected(plot: &Plot) -> (Vec<String>, Vec<(&'static str, usize)>) {
    match plot {
        Plot::Curves(d) => {
            let mut texts = vec![d.title.clone(), d.y_label.clone()];
            texts.extend(d.series.iter().map(|s| s.label.clone()));
            texts.extend(d.floor.iter().map(|f| f.0.clone()));
            (texts, vec![("polyline", d.series.len())])
        }
        Plot::Saddle(d) => {
            let mut texts = vec![d.title.clone()];
            texts.extend(d.counter.lines().map(String::from));
            texts.extend(d.algos.iter().cloned());
            (texts, vec![("polyline", d.trajectories.len())])
        }
        Plot::Breakdown(d) => {
            let mut texts = vec![d.title.clone(), d.x_label.clone()];
            texts.extend(d.series.iter().map(|s| s.label.clone()));
            texts.extend(d.refs.iter().map(|r| r.label.clone()));
            // A band with no width (seeds agree) draws no polygon.
            let bands = d.series.iter().filter(|s| s.points.len() >= 2 && s.points.iter().any(|p| p.3 > p.2 * (1.0 + 1e-9))).count();
            (texts, vec![("polygon", bands), ("polyline", d.series.len() + d.refs.len())])
        }
        Plot::Master(d) => {
            let mut texts = vec![d.title.clone(), d.x_label.clone()];
            texts.extend(d.outputs.iter().map(|o| o.0.clone()));
            texts.extend(d.split.iter().map(|s| s.label.clone()));
            (texts, vec![("circle", d.honest.len() + d.outputs.len())])
        }
        Plot::Heatmap(d) => {
            let mut texts = vec![d.title.clone(), d.x_label.clone(), d.value_label.clone()];
            texts.extend(d.panels.iter().map(|p| p.title.clone()));
            texts.extend(d.rules.iter().map(|r| r.0.clone()));
            // Every cell is finished: one filled rectangle each (and every one opens a run).
            assert!(d.panels.iter().all(|p| p.values.iter().all(|v| !v.is_nan()) || !p.winners.is_empty()), "a cell without a value");
            assert!(d.links.iter().all(|l| !l.query.is_empty()), "a cell that opens no run");
            (texts, vec![("rect", d.links.len())])
        }
        Plot::Message(m) => panic!("a finished view still shows a message: {m}"),
    }
}

fn render_all(query: &str, tag: &str) -> Lab {
    let (sc, notes) = Scenario::from_query(query);
    assert!(notes.is_empty(), "{notes:?}");
    let data = sc.data_source().map(|d| byzlab::engine::data::Datasets::load(&[d]).unwrap()).unwrap_or_default();
    let mut lab = Lab::with_data(sc, data);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/views");
    std::fs::create_dir_all(&dir).unwrap();
    let shown: Vec<ViewId> = ViewId::all().filter(|&v| lab.applies(v)).collect();
    for v in shown {
        while lab.work(v, 1000) > 0 {}
        assert!(lab.is_done(v), "{} not done", v.key());
        let plot = lab.plot(v);
        let (svg, layout) = byzlab::plots::to_svg_with_layout(960, 600, &plot, &byzlab::plots::Style::normal(1.0)).unwrap();
        // The legend hides no drawn point or line, at this size and at a projector's in lecture mode.
        assert!(layout.legend.is_some(), "{}: no legend", v.key());
        assert!(!layout.legend_overlaps(), "{}: the legend covers data: {:?}", v.key(), layout.legend);
        let (_, big) = byzlab::plots::to_svg_with_layout(1200, 560, &plot, &byzlab::plots::Style::for_width(1200.0, 1.0, true)).unwrap();
        assert!(!big.legend_overlaps(), "{} (lecture): the legend covers data", v.key());
        assert!(big.min_text >= 24.0, "{} (lecture): text of {} px", v.key(), big.min_text);
        // Every value that can be drawn is drawn (nothing dropped at the axes' range).
        if let Plot::Curves(d) = &plot {
            let drawable: usize =
                d.series.iter().map(|s| s.points.iter().filter(|p| p.1.is_finite() && (!d.log_y || p.1 > 0.0)).count()).sum();
            let drawn: usize = layout.lines.iter().map(|l| l.len()).sum();
            assert!(drawn >= drawable, "curves: {drawn} of {drawable} points drawn");
        }
        let (texts, elements) = expected(&plot);
        for t in texts.iter().filter(|t| !t.is_empty()) {
            assert!(svg.contains(&escape(t)), "{}: the SVG does not show “{t}”", v.key());
        }
        for (element, at_least) in elements {
            assert!(count(&svg, element) >= at_least, "{}: {} <{element}> for {at_least} items", v.key(), count(&svg, element));
        }
        assert!(lab.csv(v).lines().count() > 2, "{}: empty CSV", v.key());
        std::fs::write(dir.join(format!("{tag}-{}.svg", v.key())), svg).unwrap();
    }
    lab
}

#[test]
fn every_view_renders_for_linear_regression() {
    let lab = render_all("problem=linreg&T=60", "linreg");
    assert_eq!(lab.iteration(), 60);
    let curves = ViewId::from_key("curves").unwrap();
    // Full resolution: every iteration of the three rules and the clean run (61 records each).
    assert_eq!(lab.csv(curves).lines().filter(|l| !l.starts_with('#') && !l.starts_with("curve,")).count(), 4 * 61);
}

#[test]
fn every_view_renders_for_a_linear_classifier() {
    let lab = render_all("problem=binary&m=20&n=32&T=20", "binary");
    let batch = ViewId::from_key("batch").unwrap();
    assert!(lab.applies(batch));
    assert!(!Lab::new(Scenario::from_query("problem=linreg").0).applies(batch), "no training loss to compare");
}

/// The batch-size view (thesis ch. 2, Lemma 2.1 and Theorem 2.6) on logistic regression with the
/// thesis's mini-batch SGD (the serial step on the batch's sum of gradients): at a fixed number of
/// gradient updates the loss stays where b = 1 leaves it up to near the batch-size bound B_D, and
/// rises past it; DropConnect raises B_D.
#[test]
fn the_batch_size_view_is_flat_below_the_bound_and_saturates_past_it() {
    use byzlab::engine::data::{DataSource, Datasets};
    let run = |query: &str| {
        let mut lab = Lab::with_data(Scenario::from_query(query).0, Datasets::load(&[DataSource::Subset]).unwrap());
        let v = ViewId::from_key("batch").unwrap();
        while lab.work(v, 100_000) > 0 {}
        let Plot::Breakdown(d) = lab.plot(v) else { panic!("not a sweep plot") };
        let loss: Vec<(f64, f64)> = d.series[0].points.iter().map(|p| (p.0, p.1)).collect();
        let b_d: f64 = d.refs.iter().find(|r| r.label.starts_with("B_D")).expect("B_D marked").points[0].0;
        println!("{query}: B_D(w₀) = {b_d:.1}; loss {loss:?}");
        (loss, b_d)
    };
    let q = "problem=binary&m=1&n=1000&alpha=0&agg=mean&eta=0.005&T=4096";
    let (loss, b_d) = run(q);
    let at = |b: f64| loss.iter().find(|p| p.0 == b).unwrap().1;
    assert_eq!(loss.first().unwrap().0, 1.0);
    assert_eq!(loss.last().unwrap().0, 1000.0, "the last point is the full local data");
    for &(b, l) in loss.iter().filter(|p| p.0 <= b_d / 2.0) {
        assert!((l / at(1.0) - 1.0).abs() < 0.1, "b = {b} ≤ B_D/2 = {}: loss {l} vs {} at b = 1", b_d / 2.0, at(1.0));
    }
    assert!(at(1000.0) > 3.0 * at(1.0), "saturated past B_D = {b_d}: {} vs {}", at(1000.0), at(1.0));
    let (_, b_drop) = run(&format!("{q}&drop=0.5"));
    assert!(b_drop > b_d, "DropConnect raises B_D (Theorem 2.7): {b_drop} vs {b_d}");
}

#[test]
fn every_view_renders_for_the_saddle_toy() {
    render_all("problem=saddle", "saddle");
}

#[test]
fn the_registry_names_every_view_once_with_its_shortcut() {
    let keys: Vec<&str> = ViewId::all().map(|v| v.key()).collect();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "{keys:?}");
    for (i, v) in ViewId::all().enumerate() {
        assert_eq!(v.shortcut(), char::from_digit(i as u32 + 1, 10).unwrap());
        assert_eq!(ViewId::from_key(v.key()), Some(v));
    }
}

#[test]
fn diverged_runs_are_marked_above_the_plot_not_drawn_as_errors() {
    // +∞ messages break the mean at every α > 0: its cells diverge, the median's do not.
    let (sc, _) = Scenario::from_query("problem=linreg&attack=inf&agg=mean,median&T=20");
    let mut lab = Lab::new(sc);
    let v = ViewId::from_key("breakdown").unwrap();
    while lab.work(v, 1000) > 0 {}
    let Plot::Breakdown(d) = lab.plot(v) else { panic!("not a breakdown plot") };
    let fig = byzlab::plots::breakdown::figure(&d);
    let row = fig.top_row.as_ref().expect("a row for the diverged runs");
    let mean_diverged = d.series[0].points.iter().filter(|p| p.1.is_infinite()).count();
    assert!(mean_diverged >= 20, "{mean_diverged} diverged cells of the mean");
    let all_diverged: usize = d.series.iter().map(|s| s.points.iter().filter(|p| p.1.is_infinite()).count()).sum();
    assert_eq!(row.marks.iter().filter(|m| m.3).count(), all_diverged, "every all-diverged cell is marked");
    let (svg, layout) = byzlab::plots::to_svg_with_layout(960, 600, &lab.plot(v), &byzlab::plots::Style::normal(1.0)).unwrap();
    assert!(svg.contains("diverged"), "the row is not labelled");
    // No drawn point of the plot sits at its top edge (where +∞ used to be clamped).
    let top = layout.plot[1];
    assert!(layout.points.iter().all(|p| p.1 > top + 2), "a point drawn at the top of the axis");
}

/// A classification run evaluates its test metrics every few iterations (T = 300: every 2nd):
/// the error curves join the evaluated points into one line per curve, not dots with gaps.
#[test]
fn sparsely_evaluated_curves_are_joined_lines() {
    use byzlab::engine::data::{DataSource, Datasets};
    let (sc, _) = Scenario::from_query("problem=spambase&agg=mean,nbs&attack=aggressive&T=300");
    let mut lab = Lab::with_data(sc, Datasets::load(&[DataSource::Spambase]).unwrap());
    let v = ViewId::from_key("curves").unwrap();
    while lab.work(v, 100_000) > 0 {}
    let Plot::Curves(d) = lab.plot(v) else { panic!("not the error curves") };
    assert_eq!(d.y_label, "test accuracy");
    for s in &d.series {
        assert!(s.points.iter().all(|p| p.1.is_finite()), "{}: a NaN point would split the line", s.label);
        assert!((150..=160).contains(&s.points.len()), "{}: {} points", s.label, s.points.len());
    }
    let svg = byzlab::plots::to_svg(960, 600, &lab.plot(v), &byzlab::plots::Style::normal(1.0)).unwrap();
    // Each solid curve is one polyline through its ~150 points, not ~150 one-point pieces (the
    // dashed clean run is drawn dash by dash).
    let solid = d.series.iter().filter(|s| s.dash == byzlab::plots::Dash::Solid).count();
    let long = svg
        .split("<polyline")
        .skip(1)
        .filter_map(|p| p.split("points=\"").nth(1))
        .filter(|q| q.split('"').next().unwrap().split(' ').count() >= 150)
        .count();
    assert!(solid == 2 && long >= solid, "{long} polylines of 150 points or more for {solid} solid curves");
}

/// The adversarial-gap view (thesis ch. 5): the gap of ℓ∞ adversarial training with Theorem 5.2's
/// term beside it, 0 at ε = 0 and growing with ε; against d, the p = 2 term grows like √d·W₂.
#[test]
fn the_adversarial_gap_view_draws_theorem_5_2_beside_the_gap() {
    use byzlab::engine::data::{DataSource, Datasets};
    let sc = Scenario::from_query("problem=binary&m=1&n=500&batch=50&eta=0.1&T=200&alpha=0&agg=mean&adv=0.05").0;
    let mut lab = Lab::with_data(sc, Datasets::load(&[DataSource::Subset]).unwrap());
    let v = ViewId::from_key("gap").unwrap();
    let terms = |lab: &mut Lab| {
        while lab.work(v, 100_000) > 0 {}
        let Plot::Breakdown(d) = lab.plot(v) else { panic!("not a sweep plot") };
        assert!(d.series[0].points.iter().all(|p| p.1.is_finite() && p.1.abs() < 0.5), "gaps {:?}", d.series[0].points);
        let t: Vec<Vec<f64>> = d.refs.iter().map(|r| r.points.iter().map(|p| p.1).collect()).collect();
        println!("{}: gap {:?}, terms {t:?}", d.x_label, d.series[0].points.iter().map(|p| p.1).collect::<Vec<_>>());
        t
    };
    let eps = terms(&mut lab);
    assert_eq!((eps[0][0], eps[1][0]), (0.0, 0.0), "no attack, no term");
    assert!(eps.iter().all(|t| t.windows(2).all(|w| w[1] > w[0])), "the terms grow with ε: {eps:?}");
    assert!(lab.set_option(v, "gap_axis", "d"));
    let dim = terms(&mut lab);
    assert!(dim[1].windows(2).all(|w| w[1] > w[0]), "the p = 2 term grows with d: {:?}", dim[1]);
}

/// Every lesson file parses; every step's scenario shows in its view (no step opens a dimmed
/// view), its settings exist, it says something, points at a plausible id, and its task is not
/// already done by the scenario it opens with.
#[test]
fn every_lesson_parses_and_every_step_shows_its_view() {
    use byzlab::engine::data::Datasets;
    let (lessons, errors) = byzlab::lab::lessons::all_with_errors();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(lessons.len() >= 7, "{} lessons", lessons.len());
    let mut ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), lessons.len(), "lesson ids repeat");
    for l in &lessons {
        assert!(!l.summary.is_empty(), "{}: no summary", l.id);
        for (i, s) in l.steps.iter().enumerate() {
            let at = format!("{} step {} ({})", l.id, i + 1, s.title);
            let sc = s.scenario();
            let (v, opts) = s.view();
            let data = sc.data_source().map(|d| Datasets::load(&[d]).unwrap()).unwrap_or_default();
            let mut lab = Lab::with_data(sc.clone(), data);
            for (id, x) in &opts {
                assert!(lab.set_option(v, id, x), "{at}: {id}={x}");
            }
            assert!(lab.applies(v), "{at}: the {} view does not show this scenario", v.key());
            assert!(lab.work(v, 50) > 0 || lab.is_done(v), "{at}: nothing to compute");
            assert!(lab.error().is_none(), "{at}: {:?}", lab.error());
            assert!(!s.text.is_empty(), "{at}: no text");
            if let Some(p) = &s.point {
                assert!(p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{at}: point “{p}”");
            }
            assert!(s.checks.is_empty() || !s.done(&sc, v), "{at}: the task is done before the reader starts");
        }
    }
}

/// The master's view after each pre-aggregation stage: clipping keeps the m rows (the Byzantine
/// ones shortened to c), bucketing leaves ⌈m/s⌉ of them, a bucket Byzantine while it holds a
/// Byzantine message; placing by hand is for the messages as sent only. The split's strip has one
/// cell per worker: each one's shift ‖ζᵢ‖ here, each one's labels for a classifier.
#[test]
fn the_master_view_shows_each_stage_and_the_split() {
    let v = ViewId::from_key("master").unwrap();
    let q = "m=20&alpha=0.2&agg=median&attack=samevalue&T=30&pre=clip,bucket&clip_c=2&bucket_s=3&split=hetero&zeta=2";
    let mut lab = Lab::new(Scenario::from_query(q).0);
    for _ in 0..100 {
        if lab.progress(v) >= 5 {
            break;
        }
        lab.work(v, 1);
    }
    let menu = lab.options(v).into_iter().find(|o| o.id == "stage").expect("a stage menu");
    assert_eq!(menu.choices.iter().map(|c| c.0).collect::<Vec<_>>(), ["0", "1", "2"]);
    let Plot::Master(sent) = lab.plot(v) else { panic!("no master plot") };
    assert_eq!((sent.honest.len(), sent.byzantine.len() + sent.non_finite, sent.hand.len()), (16, 4, 4));
    let strip = sent.split.as_ref().expect("the split's strip");
    assert_eq!((strip.cells.len(), strip.byzantine), (20, 4));
    assert!(strip.cells.iter().all(|c| c.len() == 1 && (0.0..=1.0).contains(&c[0].0)) && strip.cells.iter().any(|c| c[0].0 == 1.0));
    assert!(lab.set_option(v, "stage", "1"));
    let Plot::Master(clipped) = lab.plot(v) else { panic!() };
    assert!(clipped.title.starts_with("After static clipping"), "{}", clipped.title);
    assert_eq!((clipped.honest.len(), clipped.byzantine.len(), clipped.hand.len()), (16, 4, 0));
    let csv = lab.csv(v);
    let norms: Vec<f64> =
        csv.lines().filter(|l| l.starts_with("after_clip_")).map(|l| l.split(',').nth(4).unwrap().parse().unwrap()).collect();
    assert_eq!(norms.len(), 20, "{csv}");
    assert!(norms.iter().all(|n| *n <= 2.0 * (1.0 + 1e-12)), "clipped to norm c = 2: {norms:?}");
    assert!(lab.set_option(v, "stage", "2"));
    let Plot::Master(bucketed) = lab.plot(v) else { panic!() };
    let rows = bucketed.honest.len() + bucketed.byzantine.len() + bucketed.non_finite;
    assert_eq!(rows, 7, "⌈20/3⌉ buckets: {}", bucketed.title);
    assert!((1..=4).contains(&(bucketed.byzantine.len() + bucketed.non_finite)), "{}", bucketed.title);
    assert!(lab.csv(v).contains("after_bucket_"), "the CSV has the stage's rows");
    assert!(!lab.set_option(v, "stage", "x"));
    // A classifier's strip: every worker's label mix sums to 1; the sorted shards hold few labels.
    let Plot::Master(c) = master_after_two_rounds("problem=binary&m=10&n=32&T=5&split=hetero") else { panic!() };
    let strip = c.split.expect("labels per worker");
    assert_eq!(strip.cells.len(), 10);
    assert!(strip.cells.iter().all(|cell| (cell.iter().map(|s| s.0).sum::<f64>() - 1.0).abs() < 1e-12));
    // Quantity skew: each cell's height is the worker's share nᵢ over the largest (linear
    // regression: no label mix, one bar each); under the i.i.d. split there is no strip.
    for (q, label) in [("problem=binary&m=10&n=32&T=5&split=quantity&dir_a=0.3", "nᵢ"), ("m=10&T=5&split=quantity&dir_a=0.3", "nᵢ")] {
        let sc = Scenario::from_query(q).0;
        let sizes = byzlab::engine::problem::worker_sizes(&sc, 10, sc.n);
        let Plot::Master(c) = master_after_two_rounds(q) else { panic!() };
        let strip = c.split.expect("the shares");
        assert_eq!(strip.label, label);
        let top = *sizes.iter().max().unwrap() as f64;
        for (cell, k) in strip.cells.iter().zip(&sizes) {
            assert!((cell.iter().map(|s| s.0).sum::<f64>() - *k as f64 / top).abs() < 1e-12, "{q}: {cell:?} for nᵢ = {k}");
        }
    }
    let Plot::Master(c) = master_after_two_rounds("m=10&T=5") else { panic!() };
    assert!(c.split.is_none(), "an i.i.d. split of linear regression has nothing to show");
}

/// The master's view of `query` (its data loaded) after two rounds.
fn master_after_two_rounds(query: &str) -> Plot {
    let v = ViewId::from_key("master").unwrap();
    let sc = Scenario::from_query(query).0;
    let data = sc.data_source().map(|d| byzlab::engine::data::Datasets::load(&[d]).unwrap()).unwrap_or_default();
    let mut lab = Lab::with_data(sc, data);
    for _ in 0..100 {
        if lab.progress(v) >= 2 {
            break;
        }
        lab.work(v, 1);
    }
    lab.plot(v)
}

/// Be the adversary in the master's view: a drag (the `hand` setting) moves the rules' outputs and
/// says by how much; the strongest attack is offered with the keys that set it; a scenario with
/// messages placed by hand opens at their round.
#[test]
fn the_master_view_follows_messages_moved_by_hand() {
    let v = ViewId::from_key("master").unwrap();
    let mut lab = Lab::new(Scenario::from_query("m=20&alpha=0.2&agg=mean,median&attack=samevalue&T=30").0);
    while lab.progress(v) < 8 {
        lab.work(v, 1);
    }
    let Plot::Master(before) = lab.plot(v) else { panic!("no master plot") };
    assert_eq!(before.hand.len(), 4);
    assert!(before.readout.contains("drag"), "{}", before.readout);
    // Move the four Byzantine messages 50 units along e₁ from the honest mean.
    assert!(lab.set_option(v, "hand", "50,0,50,0,50,0,50,0"));
    let Plot::Master(after) = lab.plot(v) else { panic!() };
    for i in 0..4 {
        let h = after.handle(i).unwrap();
        assert!((after.offset_at(h).0 - 50.0).abs() < 1e-9, "handle {i} at {h:?}");
    }
    let mean_before = before.outputs[0].2;
    let mean_after = after.outputs[0].2;
    // The mean moves by about 4/20 of the change (the samevalue message sat elsewhere), the median little.
    assert!((mean_after.0 - mean_before.0).abs() > 1.0, "the mean did not follow: {mean_before:?} → {mean_after:?}");
    assert!(after.readout.starts_with("You moved the mean by"), "{}", after.readout);
    println!("{}", after.readout);
    // The strongest attack against the median, with the keys that set it.
    assert!(lab.set_option(v, "strongest", "1"));
    let Plot::Master(s) = lab.plot(v) else { panic!() };
    let (label, _, keys) = s.strongest.expect("the strongest attack");
    assert!(keys.starts_with("attack=alie&z=") || keys.starts_with("attack=ipm&ipm="), "{keys}");
    assert!(Scenario::from_query(&keys).1.is_empty(), "{keys} does not parse cleanly");
    println!("{label} ({keys})");
    // Placed by hand from round 8: the lab opens there, with the messages where they were put.
    let q = format!(
        "m=20&alpha=0.2&agg=mean,median&attack=samevalue&T=30&hand={}&hand_t=8",
        byzlab::plots::master::hand_query(&[(50.0, 0.0); 4])
    );
    let mut lab = Lab::new(Scenario::from_query(&q).0);
    assert_eq!(lab.progress(v), 8, "opens at the round the messages were placed in ({})", lab.status_line(v));
    let Plot::Master(placed) = lab.plot(v) else { panic!() };
    assert!(placed.hand.iter().all(|h| (h.0 - 50.0).abs() < 1e-6 && h.1.abs() < 1e-6), "{:?}", placed.hand);
    assert!((placed.outputs[0].2 .0 - mean_after.0).abs() < 1e-6, "the committed round equals the preview");
    lab.work(v, 1000);
    assert!(lab.is_done(v));
}

/// The breakdown view's worst case over attacks: each point is the largest mean over the attacks
/// (checked against one single-attack sweep per attack), and the adaptive attacks break the
/// trimmed mean where the same-value attack alone does not.
#[test]
fn the_worst_case_breakdown_is_the_maximum_over_single_attack_sweeps() {
    use byzlab::engine::data::Datasets;
    let q = "problem=linreg&m=20&T=60&agg=median,trmean&beta=0.1";
    let v = ViewId::from_key("breakdown").unwrap();
    let points = |query: &str, worst: bool| {
        let mut lab = Lab::with_data(Scenario::from_query(query).0, Datasets::default());
        assert!(lab.set_option(v, "seeds", "1") && lab.set_option(v, "grid", "0.05"));
        if worst {
            assert!(lab.set_option(v, "over", "worst"));
        }
        while lab.work(v, 100_000) > 0 {}
        let Plot::Breakdown(d) = lab.plot(v) else { panic!("not a sweep plot") };
        d.series.iter().map(|s| s.points.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>()).collect::<Vec<_>>()
    };
    let worst = points(q, true);
    // Its CSV names the attack of every row.
    let mut lab = Lab::with_data(Scenario::from_query(q).0, Datasets::default());
    assert!(lab.set_option(v, "seeds", "1") && lab.set_option(v, "grid", "0.05") && lab.set_option(v, "over", "worst"));
    while lab.work(v, 100_000) > 0 {}
    let csv = lab.csv(v);
    assert!(csv.lines().any(|l| l == "alpha,attack,agg,runs,mean,min,max,diverged"), "{csv}");
    assert_eq!(csv.lines().filter(|l| l.contains(",minmax,trmean,")).count(), 11, "{csv}");
    let attacks = ["samevalue", "signflip", "gaussian", "alie-opt", "ipm-opt", "minmax", "minsum", "fang", "mimic"];
    let singles: Vec<_> = attacks.iter().map(|a| points(&format!("{q}&attack={a}"), false)).collect();
    for (g, series) in worst.iter().enumerate() {
        assert_eq!(series.len(), 11, "every α of the grid");
        for (k, &(alpha, y)) in series.iter().enumerate() {
            let max = singles.iter().map(|s| s[g][k].1).fold(f64::NEG_INFINITY, f64::max);
            assert_eq!(singles[0][g][k].0, alpha);
            assert!(y == max || (y.is_nan() && max.is_nan()), "rule {g} at α = {alpha}: worst {y} vs max {max}");
        }
    }
    // Trimmed mean (g = 1) at α = 0.1 (f = 2 = ⌊αm⌋): the same value is screened out, the worst is far larger.
    for (a, s) in attacks.iter().zip(&singles) {
        println!("{a:>10}: {:?}", s[1].iter().map(|p| format!("{:.3}", p.1)).collect::<Vec<_>>());
    }
    println!("{:>10}: {:?}", "worst", worst[1].iter().map(|p| format!("{:.3}", p.1)).collect::<Vec<_>>());
    // Trimmed mean (f = 2 of 20): at α = 0.1 every attack is screened out (the worst within 2× the
    // clean error); at α = 0.15, one past its breakdown point, the same value moves it by tens
    // while the optimised attacks, searching their factor against it, make it diverge.
    let (clean, at10, at15) = (worst[1][0].1, worst[1][2].1, worst[1][3].1);
    assert!(at10 < 2.0 * clean, "α = 0.1: worst {at10} vs clean {clean}");
    assert!(singles[0][1][3].1.is_finite() && at15 == f64::INFINITY, "α = 0.15: same value {}, worst {at15}", singles[0][1][3].1);
}

/// Every rule has a colour of its own, and RSA the last: none wraps around the palette.
#[test]
fn every_rule_has_its_own_colour() {
    use byzlab::engine::AggKind;
    assert_eq!(byzlab::plots::SERIES.len(), AggKind::ALL.len() + 1);
    let colours: std::collections::BTreeSet<(u8, u8, u8)> = byzlab::plots::SERIES.iter().map(|(c, _)| (c.0, c.1, c.2)).collect();
    assert_eq!(colours.len(), byzlab::plots::SERIES.len());
}

/// The worst-case map: every cell is the worst of its attacks' runs, each cell's link reproduces
/// the run it shows (its rule alone, under that attack, at that α and ζ), and the best-rule panel
/// names the rule with the smallest value.
#[test]
fn a_map_cell_is_the_worst_of_its_attacks_and_opens_that_run() {
    use byzlab::engine::problem::Cache;
    use byzlab::engine::sweep::{Measure, Sweep};
    let v = ViewId::from_key("map").unwrap();
    let mut lab = Lab::new(Scenario::from_query("problem=linreg&m=15&T=30&agg=median,trmean,krum").0);
    assert!(lab.set_option(v, "grid", "0.1") && lab.set_option(v, "seeds", "1"));
    while lab.work(v, 100_000) > 0 {}
    let Plot::Heatmap(d) = lab.plot(v) else { panic!("not a map") };
    assert_eq!((d.cols.len(), d.rows.len(), d.panels.len()), (5, 5, 4), "α 0…0.4 × 5 spreads, 3 rules and the best");
    let per = d.per_panel();
    let csv = lab.csv(v);
    assert!(csv.starts_with("# ") && csv.lines().nth(1) == Some("alpha,zeta,attack,agg,runs,mean,min,max,diverged"), "{csv}");
    let mut cache = Cache::default();
    for i in [0, 6, 12, 24, 25 + 18, 50 + 24] {
        let (sc, notes) = Scenario::from_query(&d.links[i].query);
        assert!(notes.is_empty(), "{notes:?}");
        let curves = sc.curves();
        assert_eq!(curves.len(), 1, "a rule's cell opens that rule alone: {}", d.links[i].query);
        let value = d.panels[i / per].values[i % per];
        let ran = Sweep::run_job(&sc, curves[0], Measure::Headline, &mut cache).unwrap()[0];
        assert!(ran == value || (ran.is_infinite() && value.is_infinite()), "cell {i}: the link's run gives {ran}, the cell {value}");
        // No attack of the cell's rows in the CSV is worse.
        let (alpha, zeta) = (sc.alpha, sc.zeta);
        let worst = csv
            .lines()
            .filter(|l| l.starts_with(&format!("{alpha},{zeta},")) && l.contains(&format!(",{},", curves[0].key())))
            .map(|l| l.split(',').nth(5).unwrap().parse::<f64>().unwrap())
            .fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(worst, value, "cell {i} at α = {alpha}, ζ = {zeta}");
    }
    let best = &d.panels[3];
    for i in 0..per {
        let vals: Vec<f64> = d.panels[..3].iter().map(|p| p.values[i]).collect();
        let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
        match best.winners[i] {
            Some(id) => assert_eq!(vals[d.rules.iter().position(|r| r.1 == id).unwrap()], min, "cell {i}: {vals:?}"),
            None => assert!(vals.iter().all(|v| v.is_infinite()), "cell {i} has no winner: {vals:?}"),
        }
    }
    // Heterogeneity raises the floor: the median's error at α = 0 grows with ζ.
    let at0: Vec<f64> = (0..5).map(|r| d.panels[0].values[r * 5]).collect();
    assert!(at0.windows(2).all(|w| w[1] > w[0]), "median at α = 0 over ζ: {at0:?}");
}

/// Under a heterogeneous split the error curves' floor is the heterogeneity floor
/// (ζ/2)√(f/(m − 2f)) when it is the larger, and the view says so with the scenario's number.
/// The trimmed mean under mimic (every Byzantine worker sends one honest worker's gradient) ends
/// near it (0.875 against 0.866), which shows the floor is of the right size here; nothing forces
/// one attack to reach it. Under the i.i.d. split the floor is Observation 1's again.
#[test]
fn a_heterogeneous_split_draws_the_heterogeneity_floor() {
    let v = ViewId::from_key("curves").unwrap();
    let floor_of = |q: &str| {
        let mut lab = Lab::new(Scenario::from_query(q).0);
        while lab.work(v, 100_000) > 0 {}
        let Plot::Curves(d) = lab.plot(v) else { panic!("not the error curves") };
        let last = d.series.iter().find(|s| s.label == "trimmed mean").map(|s| s.points.last().unwrap().1);
        (d.floor.expect("a floor on linear regression"), last, lab.explanation(v).lines.join(" "))
    };
    let q = "problem=linreg&m=40&alpha=0.2&beta=0.2&split=hetero&zeta=3&agg=trmean&attack=mimic&T=200";
    let ((label, value), last, text) = floor_of(q);
    assert!(label.contains("(ζ/2)√(f/(m − 2f)), f = 8"), "{label}");
    assert!((value - 1.5 * (8.0f64 / 24.0).sqrt()).abs() < 1e-12, "{value}");
    assert!(text.contains("no rule can guarantee an error below (ζ/2)√(f/(m − 2f)) = 0.866"), "{text}");
    let last = last.unwrap();
    assert!((last / value - 1.0).abs() < 0.05, "the trimmed mean under mimic ends at {last}, the floor is {value}");
    let ((label, value), _, text) = floor_of(&q.replace("split=hetero", "split=iid"));
    assert!(label.contains("σ(α/√n + √(d/nm))") && value < 0.1, "{label}: {value}");
    assert!(!text.contains("(ζ/2)"), "{text}");
}
