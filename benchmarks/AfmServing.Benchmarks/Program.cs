// `feature-store-fetch` is a latency loop (percentiles) and `training-throughput` times whole epochs; neither is a
// BenchmarkDotNet benchmark. Everything else goes to BDN.
if (args.Length > 0 && args[0] == "feature-store-fetch")
    return await AfmServing.Benchmarks.FeatureStore.FeatureStoreFetch.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "training-throughput")
    return AfmServing.Benchmarks.TrainingThroughput.Run(args[1..]);
// Not typeof(Program): the referenced server exports a Program class of its own.
BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(AfmServing.Benchmarks.HotPath.FrappeShapes).Assembly).Run(args);
return 0;
