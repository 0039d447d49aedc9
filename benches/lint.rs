//! `cargo bench`: throughput of the whole pipeline (read, parse, graph, rules) on a tree of
//! Terraform modules built from the bundled examples, and the latency of linting one small file
//! (the editor-on-save case). For the large generated tree and peak memory, see
//! `benches/README.md` (`gen_tree.py` + `/usr/bin/time -v`).

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iaclint::lint::{Settings, lint};
use iaclint::rules::Registry;

/// Copies `examples/terraform/{bad,fixed}` into `modules` module directories.
fn make_tree(root: &Path, modules: usize) -> usize {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/terraform");
    let mut files = 0;
    for i in 0..modules {
        let variant = if i % 2 == 0 { "bad" } else { "fixed" };
        let dir = root.join(format!("mod_{i:04}"));
        std::fs::create_dir_all(&dir).expect("create module dir");
        for entry in std::fs::read_dir(examples.join(variant)).expect("examples exist") {
            let entry = entry.expect("dir entry");
            std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
            files += 1;
        }
    }
    files
}

fn bench(c: &mut Criterion) {
    let registry = Registry::builtin().expect("rule pack loads");
    let tmp = tempfile::tempdir().expect("tempdir");
    let files = make_tree(tmp.path(), 100);
    let tree = Settings {
        paths: vec![tmp.path().to_path_buf()],
        ..Settings::default()
    };
    let mut group = c.benchmark_group("lint");
    group.sample_size(10);
    group.throughput(Throughput::Elements(files as u64));
    group.bench_function("tree_100_modules", |b| {
        b.iter(|| lint(&tree, &registry).expect("lint"))
    });
    group.finish();

    let one: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/terraform/bad/iam.tf");
    let single = Settings {
        paths: vec![one],
        ..Settings::default()
    };
    c.bench_function("single_file", |b| {
        b.iter(|| lint(&single, &registry).expect("lint"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
