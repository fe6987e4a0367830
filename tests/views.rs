//! Every view renders, natively, to SVG through the same drawing code the browser uses; the files
//! land in target/views/ for people to look at.

use byzlab::engine::scenario::Scenario;
use byzlab::lab::{Lab, View};

fn render_all(query: &str, tag: &str) -> Lab {
    let (sc, notes) = Scenario::from_query(query);
    assert!(notes.is_empty(), "{notes:?}");
    let mut lab = Lab::new(sc);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/views");
    std::fs::create_dir_all(&dir).unwrap();
    for v in View::ALL {
        while lab.work(v, 1000) > 0 {}
        assert!(lab.is_done(v), "{v:?} not done");
        let svg = lab.svg(v, 960, 600).unwrap();
        assert!(svg.contains("<svg") && svg.len() > 2000, "{v:?}: {} bytes", svg.len());
        std::fs::write(dir.join(format!("{tag}-{}.svg", v.key())), svg).unwrap();
    }
    lab
}

#[test]
fn every_view_renders_for_linear_regression() {
    let lab = render_all("problem=linreg&T=60", "linreg");
    assert!(lab.iteration() == 60);
    let csv = lab.csv(View::Curves);
    assert!(csv.lines().count() > 3 * 60, "{}", csv.lines().count());
}

#[test]
fn every_view_renders_for_the_saddle_toy() {
    render_all("problem=saddle", "saddle");
}
