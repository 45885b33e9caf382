using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ActorPager.Service;

/// <summary>The routes requests are counted under (the <c>route</c> label of the latency histograms).</summary>
internal enum RouteKind
{
    /// <summary>Anything else: unknown routes, refused requests.</summary>
    Other,

    /// <summary>GET /v1/files/{path}.</summary>
    Read,

    /// <summary>PUT /v1/files/{path}.</summary>
    Write,

    /// <summary>POST /v1/files/{path}/sync.</summary>
    Sync,

    /// <summary>POST /v1/files/{path}/truncate.</summary>
    Truncate,

    /// <summary>GET /v1/files/{path}/stat.</summary>
    Stat,

    /// <summary>GET /v1/files/{path}/pages.</summary>
    Pages,

    /// <summary>GET /v1/objects.</summary>
    Objects,

    /// <summary>GET /metrics.</summary>
    Metrics,

    /// <summary>GET /healthz.</summary>
    Health,

    /// <summary>GET /v1/cluster.</summary>
    Cluster,
}

/// <summary>Request latency histograms per route, in Prometheus' cumulative-bucket form. Lock-free: one Interlocked increment per bucket hit.</summary>
internal sealed class RequestHistograms
{
    /// <summary>Upper bounds of the buckets, in seconds (the last, +Inf, is implicit).</summary>
    private static readonly double[] Bounds = [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The bounds in stopwatch ticks, compared against on the hot path.</summary>
    private static readonly long[] BoundTicks = Array.ConvertAll(Bounds, b => (long)(b * Stopwatch.Frequency));

    /// <summary>Per route: a count per bucket (non-cumulative), then +Inf.</summary>
    private readonly long[][] _buckets;

    /// <summary>Per route: total ticks.</summary>
    private readonly long[] _sumTicks;

    /// <summary>Per route: requests by status class (1xx..5xx at 1..5).</summary>
    private readonly long[][] _statuses;

    public RequestHistograms()
    {
        var routes = Enum.GetValues<RouteKind>().Length;
        _buckets = new long[routes][];
        _statuses = new long[routes][];
        for (var i = 0; i < routes; i++)
        {
            _buckets[i] = new long[Bounds.Length + 1];
            _statuses[i] = new long[6];
        }

        _sumTicks = new long[routes];
    }

    /// <summary>Counts one request of <paramref name="route"/> that took <paramref name="elapsedTicks"/> stopwatch ticks and answered <paramref name="status"/>.</summary>
    public void Observe(RouteKind route, long elapsedTicks, int status)
    {
        var r = (int)route;
        var bucket = BoundTicks.Length;
        for (var i = 0; i < BoundTicks.Length; i++)
        {
            if (elapsedTicks <= BoundTicks[i])
            {
                bucket = i;
                break;
            }
        }

        Interlocked.Increment(ref _buckets[r][bucket]);
        Interlocked.Add(ref _sumTicks[r], elapsedTicks);
        Interlocked.Increment(ref _statuses[r][Math.Clamp(status / 100, 0, 5)]);
    }

    /// <summary>Appends <c>actorpager_http_request_duration_seconds</c> and <c>actorpager_http_requests_total</c> in Prometheus text format.</summary>
    public void Render(StringBuilder text)
    {
        var inv = CultureInfo.InvariantCulture;
        text.Append("# HELP actorpager_http_request_duration_seconds Time from the request reaching the API to its answer, per route.\n");
        text.Append("# TYPE actorpager_http_request_duration_seconds histogram\n");
        foreach (var route in Enum.GetValues<RouteKind>())
        {
            var r = (int)route;
            var name = Label(route);
            long cumulative = 0;
            for (var i = 0; i < Bounds.Length; i++)
            {
                cumulative += Volatile.Read(ref _buckets[r][i]);
                text.Append(inv, $"actorpager_http_request_duration_seconds_bucket{{route=\"{name}\",le=\"{Bounds[i].ToString("R", inv)}\"}} {cumulative}\n");
            }

            cumulative += Volatile.Read(ref _buckets[r][Bounds.Length]);
            text.Append(inv, $"actorpager_http_request_duration_seconds_bucket{{route=\"{name}\",le=\"+Inf\"}} {cumulative}\n");
            text.Append(inv, $"actorpager_http_request_duration_seconds_sum{{route=\"{name}\"}} {(Volatile.Read(ref _sumTicks[r]) / (double)Stopwatch.Frequency).ToString("R", inv)}\n");
            text.Append(inv, $"actorpager_http_request_duration_seconds_count{{route=\"{name}\"}} {cumulative}\n");
        }

        text.Append("# HELP actorpager_http_requests_total Requests answered, per route and status class.\n");
        text.Append("# TYPE actorpager_http_requests_total counter\n");
        foreach (var route in Enum.GetValues<RouteKind>())
        {
            for (var c = 1; c <= 5; c++)
            {
                var n = Volatile.Read(ref _statuses[(int)route][c]);
                if (n > 0)
                {
                    text.Append(inv, $"actorpager_http_requests_total{{route=\"{Label(route)}\",code=\"{c}xx\"}} {n}\n");
                }
            }
        }
    }

    /// <summary>The label value of a route.</summary>
    public static string Label(RouteKind route) => route switch
    {
        RouteKind.Read => "read",
        RouteKind.Write => "write",
        RouteKind.Sync => "sync",
        RouteKind.Truncate => "truncate",
        RouteKind.Stat => "stat",
        RouteKind.Pages => "pages",
        RouteKind.Objects => "objects",
        RouteKind.Metrics => "metrics",
        RouteKind.Health => "healthz",
        RouteKind.Cluster => "cluster",
        _ => "other",
    };
}
