using System.Net;
using System.Text;
using System.Text.Json;
using ActorPager.Harness.Dispatch;

namespace ActorPager.Harness.Exploration;

/// <summary>The trace page of a violation: its data as JSON (format <c>actorpager-trace/1</c>) and the self-contained HTML page that draws it.</summary>
public static partial class TraceRenderer
{
    /// <summary>The format the JSON names, and the live view's trace tab checks.</summary>
    public const string TraceFormat = "actorpager-trace/1";

    /// <summary>camelCase; the default encoder escapes &lt;, &gt; and &amp;, so the JSON is safe inside a script element.</summary>
    private static readonly JsonSerializerOptions PageJson = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>
    /// The trace as JSON: the original run and the shrunk one, each with its violation, the step
    /// of the violating delivery, its actors (the columns: each lane of <see cref="ToHtml"/>, in the
    /// order they first appear) and its deliveries (sender lane, recipient lane, message).
    /// </summary>
    /// <param name="original">The violation as found.</param>
    /// <param name="shrunk">The same rule broken by the shrunk schedule.</param>
    /// <param name="title">A title (pager, scenario, rule).</param>
    /// <param name="pager">The pager's name.</param>
    /// <param name="scenario">The scenario's name.</param>
    public static string ToJson(Violation original, Violation shrunk, string title, string pager, string scenario)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(shrunk);
        return JsonSerializer.Serialize(new TraceDocument(TraceFormat, title, pager, scenario, Run(original), Run(shrunk)), PageJson);
    }

    /// <summary>
    /// A self-contained HTML page (no external resources; its script and style inline, the same
    /// files the live view serves) that draws <see cref="ToJson"/>: one column per actor, one row
    /// per delivery, the violating step highlighted, the shrunk trace beside the original. The live
    /// view's Trace tab opens the same file.
    /// </summary>
    public static string ToPage(Violation original, Violation shrunk, string title, string pager, string scenario)
    {
        var json = ToJson(original, shrunk, title, pager, scenario);
        var html = new StringBuilder(json.Length + 32_768);
        // Well-formed XHTML as well as HTML, as ToHtml's page is: the style and script sit in CDATA
        // sections behind comments (/*<![CDATA[*/ ... /*]]>*/), which an HTML parser reads as
        // comments; the JSON has no < or & (the encoder escapes them).
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        html.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n<style>/*<![CDATA[*/\n").Append(Asset("ui.css")).Append("/*]]>*/</style>\n</head>\n");
        html.Append("<body class=\"trace-page\">\n<main id=\"main\"><div id=\"trace\" class=\"trace\"></div></main>\n");
        html.Append("<noscript><pre>").Append(WebUtility.HtmlEncode(ToText(shrunk))).Append("</pre></noscript>\n");
        html.Append("<script type=\"application/json\" id=\"trace-data\">").Append(json).Append("</script>\n");
        html.Append("<script>/*<![CDATA[*/\n").Append(Asset("trace.js")).Append("/*]]>*/</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static TraceRun Run(Violation violation)
    {
        var actors = new List<string>();
        var deliveries = new List<TraceStep>(violation.Trace.Count);
        foreach (var d in violation.Trace)
        {
            var from = From(d);
            var to = To(d);
            if (!actors.Contains(from))
            {
                actors.Add(from);
            }

            if (!actors.Contains(to))
            {
                actors.Add(to);
            }

            var message = d.Kind switch
            {
                DeliveryKind.External => d.Message == d.Recipient ? d.Recipient : $"{d.Recipient} {d.Message}",
                DeliveryKind.Timer => $"at {d.Recipient}: {d.Message}",
                _ => d.Message,
            };
            deliveries.Add(new TraceStep(d.Step, d.Kind.ToString().ToLowerInvariant(), from, to, message));
        }

        // The violation is seen at step N, after the delivery numbered N - 1 (as ToText marks it).
        return new TraceRun(violation.ToString(), violation.Rule, violation.Seed, violation.Step, violation.Step - 1, actors, deliveries);
    }

    private static string Asset(string name)
    {
        using var stream = typeof(TraceRenderer).Assembly.GetManifestResourceStream("ui/" + name)
            ?? throw new InvalidOperationException($"the Harness assembly lacks its embedded ui/{name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);

        // Inline in a page: a "</script" or "</style" in the text would end the element early, a "]]>" the CDATA section.
        return reader.ReadToEnd().Replace("</", "<\\/", StringComparison.Ordinal).Replace("]]>", "]] >", StringComparison.Ordinal);
    }

    private sealed record TraceDocument(string Format, string Title, string Pager, string Scenario, TraceRun Original, TraceRun Shrunk);

    private sealed record TraceRun(string Violation, int Rule, long Seed, long Step, long BadStep, IReadOnlyList<string> Actors, IReadOnlyList<TraceStep> Deliveries);

    private sealed record TraceStep(long Step, string Kind, string From, string To, string Message);
}
