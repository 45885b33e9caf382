using System.Text.Json;
using ActorPager.Runtime.Configuration;
using BenchmarkDotNet.Attributes;

namespace ActorPager.Bench.Hocon;

/// <summary>
/// The HOCON reader under BenchmarkDotNet (<c>--filter *HoconBenchmarks*</c>): the same work as
/// quick mode (parse and resolve the generated 1 MiB document; load reference.conf), parse alone,
/// and a peer for scale. Runs in process so it measures exactly the assemblies that were built.
/// </summary>
[MemoryDiagnoser]
[InProcess]
[WarmupCount(3)]
[IterationCount(10)]
public class HoconBenchmarks
{
    /// <summary>The generated document (seed 42, 1 MiB), as quick mode makes it.</summary>
    private string _document = string.Empty;

    /// <summary>The same tree, resolved and rendered as compact JSON, for the peer.</summary>
    private string _json = string.Empty;

    /// <summary>Builds the inputs once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _document = new HoconDocumentGenerator(seed: 42).Generate(1 << 20);
        _json = Config.ParseString(_document).Resolve(ConfigResolveOptions.NoEnvironment).Root.ToJson(indented: false);
    }

    /// <summary>What <c>hocon.parse MB/s</c> times: parse and resolve the 1 MiB document.</summary>
    [Benchmark(Description = "HOCON parse+resolve, 1 MiB generated")]
    public Config ParseAndResolve() => Config.ParseString(_document).Resolve(ConfigResolveOptions.NoEnvironment);

    /// <summary>Parse alone (tokenizer and parser, unresolved tree).</summary>
    [Benchmark(Description = "HOCON parse only, 1 MiB generated")]
    public Config ParseOnly() => Config.ParseString(_document);

    /// <summary>What <c>hocon.reference us/load</c> times: parse the embedded reference.conf afresh and resolve it.</summary>
    [Benchmark(Description = "HOCON reference.conf load")]
    public Config ReferenceLoad() => ConfigurationFactory.ParseReference().Resolve(ConfigResolveOptions.NoEnvironment);

    /// <summary>
    /// Peer, not a target: System.Text.Json building a JsonDocument from the same resolved tree
    /// rendered as JSON (no comments, substitutions, merges or concatenations to handle).
    /// </summary>
    [Benchmark(Baseline = true, Description = "peer: System.Text.Json JsonDocument.Parse, same tree as JSON")]
    public int PeerSystemTextJson()
    {
        using var document = JsonDocument.Parse(_json);
        return document.RootElement.GetPropertyCount();
    }
}
