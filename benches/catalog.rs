//! `cargo bench --bench catalog`: what the embedded AWS IAM action catalog costs a run. A fresh
//! `Catalog::parse` is the first-load cost (header + service directory); the first lookup in a
//! service parses that service's block; after that lookups are binary searches.

use criterion::{Criterion, criterion_group, criterion_main};
use iaclint::iam_catalog::{Catalog, catalog};

const TABLE: &str = include_str!("../data/aws-iam-catalog.tsv");

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("iam_catalog");
    group.bench_function("first_load", |b| {
        b.iter(|| Catalog::parse(std::hint::black_box(TABLE)).expect("parses"))
    });
    group.bench_function("first_load_and_first_lookup_s3", |b| {
        b.iter(|| {
            let fresh = Catalog::parse(TABLE).expect("parses");
            fresh.action("s3:GetObject").is_some()
        })
    });
    group.bench_function("first_load_and_first_lookup_ec2", |b| {
        b.iter(|| {
            let fresh = Catalog::parse(TABLE).expect("parses");
            fresh.action("ec2:RunInstances").is_some()
        })
    });
    group.sample_size(10);
    group.bench_function("first_load_and_parse_every_service", |b| {
        b.iter(|| {
            let fresh = Catalog::parse(TABLE).expect("parses");
            fresh.expand("*:Describe*").len()
        })
    });
    group.sample_size(100);
    let warm = catalog();
    warm.expand("*");
    group.bench_function("lookup_warm", |b| {
        b.iter(|| warm.action(std::hint::black_box("S3:getobject")).is_some())
    });
    group.bench_function("expand_s3_get_warm", |b| {
        b.iter(|| warm.expand(std::hint::black_box("s3:Get*")).len())
    });
    group.bench_function("expand_star_describe_warm", |b| {
        b.iter(|| warm.expand(std::hint::black_box("*:Describe*")).len())
    });
    group.bench_function("suggest_warm", |b| {
        b.iter(|| warm.suggest(std::hint::black_box("s3:GetObjects")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
