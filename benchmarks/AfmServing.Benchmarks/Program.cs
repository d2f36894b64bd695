// `feature-store-fetch` is a latency loop (percentiles), not a BenchmarkDotNet benchmark; everything else goes to BDN.
if (args.Length > 0 && args[0] == "feature-store-fetch")
    return await AfmServing.Benchmarks.FeatureStore.FeatureStoreFetch.RunAsync(args[1..]);
BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
