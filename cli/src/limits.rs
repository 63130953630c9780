//! `--max-depth` and `--max-size`: the format limits of spec §6, shared by
//! the subcommands that read or write LXT.

use clap::Args;

/// Format limits from the command line.
#[derive(Debug, Clone, Copy, Args)]
pub struct LimitArgs {
    /// Most nested tables (spec §6; a deeper table is `depth_exceeded`).
    #[arg(long, value_name = "N", default_value_t = 128,
          value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub max_depth: u32,
    /// Largest document, and largest declared length or count, in bytes
    /// (spec §6); suffixes K, M, G.
    #[arg(long, value_name = "BYTES", default_value = "256M", value_parser = parse_bytes)]
    pub max_size: usize,
}

impl LimitArgs {
    /// The limits for `luaxt-format`.
    pub fn limits(&self) -> luaxt_format::Limits {
        luaxt_format::Limits::DEFAULT
            .with_max_depth(self.max_depth)
            .with_max_size(self.max_size as u64)
    }
}

/// Parses `1048576`, `64K`, `64M`, `1G` (also `KiB`, `MB`…, all powers of 1024).
pub fn parse_bytes(text: &str) -> Result<usize, String> {
    let bytes = parse_size::Config::new()
        .with_binary()
        .parse_size(text.trim())
        .map_err(|e| format!("{text:?} is not a byte count such as 1048576, 64M or 1G ({e})"))?;
    usize::try_from(bytes).map_err(|_| format!("{text:?} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_take_suffixes() {
        assert_eq!(parse_bytes("1048576"), Ok(1 << 20));
        assert_eq!(parse_bytes("64M"), Ok(64 << 20));
        assert_eq!(parse_bytes("2KiB"), Ok(2048));
        assert_eq!(parse_bytes("1g"), Ok(1 << 30));
        assert!(parse_bytes("12X").is_err());
        // 0 is a byte count (for --store-limit: no limit).
        assert_eq!(parse_bytes("0"), Ok(0));
        assert!(parse_bytes("M").is_err());
    }
}
