using System.Globalization;
using System.Net;
using System.Text;
using ActorPager.Harness.Dispatch;

namespace ActorPager.Harness.Exploration;

/// <summary>Renders a violation's trace as text, as the self-contained trace page <c>check</c> writes (one column per actor, a row per delivery), or as the older XHTML sequence diagram (<see cref="ToHtml"/>).</summary>
public static partial class TraceRenderer
{
    /// <summary>The trace as text: the violation, then one delivery per line, the violating step marked.</summary>
    public static string ToText(Violation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        var sb = new StringBuilder();
        sb.AppendLine(violation.ToString());
        foreach (var d in violation.Trace)
        {
            sb.Append(d.Step == violation.Step - 1 ? ">> " : "   ").AppendLine(Shorten(d.ToString()));
        }

        return sb.ToString();
    }

    /// <summary>
    /// A self-contained HTML page (well-formed XHTML, no external resources): actors as lanes,
    /// messages as arrows from sender to recipient, store events, replies to clients and timers on their own lanes,
    /// the violating step in red.
    /// </summary>
    public static string ToHtml(Violation violation, string title)
    {
        ArgumentNullException.ThrowIfNull(violation);
        var deliveries = violation.Trace;
        var lanes = new List<string>();
        int Lane(string name)
        {
            var i = lanes.IndexOf(name);
            if (i < 0)
            {
                lanes.Add(name);
                i = lanes.Count - 1;
            }

            return i;
        }

        foreach (var d in deliveries)
        {
            Lane(From(d));
            Lane(To(d));
        }

        const int laneWidth = 170, rowHeight = 22, top = 70, left = 20;
        var width = left + (lanes.Count * laneWidth) + 40;
        var height = top + (deliveries.Count * rowHeight) + 40;
        var svg = new StringBuilder();
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        for (var i = 0; i < lanes.Count; i++)
        {
            var x = left + (i * laneWidth) + (laneWidth / 2);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{top - 10}\" x2=\"{x}\" y2=\"{height - 20}\" class=\"lane\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{top - 40}\" class=\"head\" text-anchor=\"middle\">{Escape(lanes[i])}</text>");
        }

        for (var r = 0; r < deliveries.Count; r++)
        {
            var d = deliveries[r];
            var y = top + (r * rowHeight);
            var x1 = left + (Lane(From(d)) * laneWidth) + (laneWidth / 2);
            var x2 = left + (Lane(To(d)) * laneWidth) + (laneWidth / 2);
            var bad = d.Step == violation.Step - 1;
            var cls = bad ? "bad" : d.Kind == DeliveryKind.System ? "sys" : d.Kind == DeliveryKind.User ? "msg" : "ext";
            if (x1 == x2)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x2}\" cy=\"{y}\" r=\"4\" class=\"{cls}\"/>");
            }
            else
            {
                var tip = x2 > x1 ? x2 - 6 : x2 + 6;
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" class=\"{cls}\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<polygon points=\"{x2},{y} {tip},{y - 4} {tip},{y + 4}\" class=\"{cls}\"/>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F((x1 + x2) / 2.0)}\" y=\"{y - 4}\" text-anchor=\"middle\" class=\"label {cls}\">{d.Step}: {Escape(d.Message)}</text>");
        }

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        html.Append("<title>").Append(Escape(title)).Append("</title>\n<style>\n");
        html.Append("body{font-family:sans-serif;margin:16px} .lane{stroke:#bbb;stroke-dasharray:4 3} .head{font-size:12px;font-weight:bold}");
        html.Append(" line.msg{stroke:#2a6fdb} polygon.msg,circle.msg{fill:#2a6fdb} line.sys{stroke:#999} polygon.sys,circle.sys{fill:#999}");
        html.Append(" line.ext{stroke:#2a9d5b} polygon.ext,circle.ext{fill:#2a9d5b} line.bad{stroke:#d62828;stroke-width:3} polygon.bad,circle.bad{fill:#d62828}");
        html.Append(" .label{font-size:10px;fill:#333} text.bad{fill:#d62828;font-weight:bold} .violation{color:#d62828;font-weight:bold}\n</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(Escape(title)).Append("</h1>\n");
        html.Append("<p class=\"violation\">").Append(Escape(violation.ToString())).Append("</p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
        html.Append(svg).Append("</svg>\n<pre>").Append(Escape(ToText(violation))).Append("</pre>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string From(Delivery d) => d.Kind switch
    {
        DeliveryKind.External => d.Recipient.StartsWith("reply ", StringComparison.Ordinal) ? "clients" : "disk",
        DeliveryKind.Timer => "timers",
        DeliveryKind.System => Shorten(d.Recipient),
        _ => d.Sender is null ? "(outside)" : d.Sender.StartsWith("/temp/", StringComparison.Ordinal) ? "clients" : Shorten(d.Sender),
    };

    private static string To(Delivery d) => d.Kind is DeliveryKind.External or DeliveryKind.Timer ? From(d) : Shorten(d.Recipient);

    /// <summary>Drops the run's root and the mount prefix, so lanes read like "vnode-1/object-1".</summary>
    private static string Shorten(string path) =>
        path.Replace("/user/run/", "", StringComparison.Ordinal).Replace("mount-m/", "", StringComparison.Ordinal);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
