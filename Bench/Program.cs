namespace ActorPager.Bench;

/// <summary>Entry point: <c>quick AREA</c> for the quick figures, anything else goes to BenchmarkDotNet.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: dotnet run -c Release --project Bench -- quick AREA | [BenchmarkDotNet switches]");
        return args.Length == 0 ? 2 : 0;
    }
}
