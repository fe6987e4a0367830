//! The worst-case map's cells in the page: the pointer over a cell puts the cursor on it (its line
//! shows under the plot), a click opens its run; with the plot focused (Tab), the arrow keys move
//! the cursor and Enter opens the run. Opening loads the cell's scenario in the error curves and
//! pushes it on the history, so Back returns to the map.

use super::{browser, App, Msg};
use crate::engine::scenario::Scenario;
use crate::lab::ViewId;
use crate::plots::heatmap::HeatMap;
use crate::plots::Plot;
use yew::prelude::*;

pub enum MapMsg {
    /// The pointer at client coordinates (x, y); `open`: it clicked.
    Pointer { x: f64, y: f64, open: bool },
    /// A key on the focused plot: an arrow or Enter.
    Key(String),
}

impl App {
    /// The map on show, if the view on show is the map.
    fn heat_map(&self) -> Option<HeatMap> {
        match self.plot() {
            Plot::Heatmap(h) => Some(h),
            _ => None,
        }
    }

    /// Whether the view on show is the worst-case map (its plot takes the keyboard focus).
    pub(super) fn on_map(&self) -> bool {
        self.view.key() == "map"
    }

    /// The plot to draw: the view's, with the map's cursor on it.
    pub(super) fn with_cursor(&self, mut plot: Plot) -> Plot {
        if let Plot::Heatmap(h) = &mut plot {
            h.cursor = self.map_cursor.filter(|i| *i < h.links.len());
        }
        plot
    }

    /// The cell under client coordinates (x, y).
    fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        let canvas = self.canvas.cast::<web_sys::HtmlCanvasElement>()?;
        let rect = canvas.get_bounding_client_rect();
        let scale = canvas.width() as f64 / canvas.client_width().max(1) as f64;
        let (px, py) = (((x - rect.left()) * scale) as i32, ((y - rect.top()) * scale) as i32);
        browser::last_layout().cells.iter().position(|c| px >= c[0] && px < c[2] && py >= c[1] && py < c[3])
    }

    pub(super) fn on_map_msg(&mut self, ctx: &Context<Self>, msg: MapMsg) -> bool {
        let Some(map) = self.heat_map() else { return false };
        match msg {
            MapMsg::Pointer { x, y, open } => {
                let at = self.cell_at(x, y);
                if at.is_some() && at != self.map_cursor {
                    self.map_cursor = at;
                    self.dirty = true;
                }
                if open {
                    if let Some(i) = at {
                        self.open_cell(ctx, &map, i);
                    }
                }
                at.is_some()
            }
            MapMsg::Key(key) => {
                let (cols, per) = (map.cols.len().max(1), map.per_panel().max(1));
                let n = map.links.len();
                if n == 0 {
                    return false;
                }
                let i = self.map_cursor.filter(|i| *i < n).unwrap_or(0);
                let (panel, r, c) = (i / per, (i % per) / cols, i % cols);
                let rows = per / cols;
                let at = |p: usize, r: usize, c: usize| p * per + r * cols + c;
                let next = match key.as_str() {
                    "Enter" => {
                        self.map_cursor = Some(i);
                        self.open_cell(ctx, &map, i);
                        return true;
                    }
                    // Right and left run on across panels; up climbs the heterogeneity.
                    "ArrowRight" if c + 1 < cols => at(panel, r, c + 1),
                    "ArrowRight" if panel + 1 < n / per => at(panel + 1, r, 0),
                    "ArrowLeft" if c > 0 => at(panel, r, c - 1),
                    "ArrowLeft" if panel > 0 => at(panel - 1, r, cols - 1),
                    "ArrowUp" if r + 1 < rows => at(panel, r + 1, c),
                    "ArrowDown" if r > 0 => at(panel, r - 1, c),
                    _ => i,
                };
                self.map_cursor = Some(next);
                self.dirty = true;
                true
            }
        }
    }

    /// Opens cell i's run in the error curves (nothing while the cell has no value).
    fn open_cell(&mut self, ctx: &Context<Self>, map: &HeatMap, i: usize) {
        let Some(link) = map.links.get(i).filter(|l| !l.query.is_empty()) else { return };
        let (sc, notices) = Scenario::from_query(&link.query);
        self.notify(notices);
        self.scenario = sc;
        self.show_view(ctx, ViewId(0));
        self.scenario_changed(ctx, true);
    }

    /// The line under the map: the cursor's cell, and how to open it.
    pub(super) fn map_readout(&self) -> Html {
        let Some(map) = self.heat_map() else { return html! {} };
        let text = match self.map_cursor.and_then(|i| map.links.get(i)) {
            Some(l) if !l.text.is_empty() => format!("{} — click or press Enter to open this run", l.text),
            Some(_) => "this cell has no finished run yet".to_string(),
            None => "point at a cell, or focus the plot (Tab) and use the arrow keys; a click or Enter opens that run".to_string(),
        };
        html! { <p id="map-cell" class="readout" aria-live="polite">{ text }</p> }
    }
}

/// The canvas' pointer handlers in the map view.
pub(super) fn handlers(link: &yew::html::Scope<App>) -> (Callback<web_sys::PointerEvent>, Callback<web_sys::MouseEvent>) {
    let hover =
        link.callback(|e: web_sys::PointerEvent| Msg::Map(MapMsg::Pointer { x: e.client_x() as f64, y: e.client_y() as f64, open: false }));
    let click =
        link.callback(|e: web_sys::MouseEvent| Msg::Map(MapMsg::Pointer { x: e.client_x() as f64, y: e.client_y() as f64, open: true }));
    (hover, click)
}
