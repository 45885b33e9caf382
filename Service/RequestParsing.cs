using System.Globalization;
using ActorPager.Storage;
using Microsoft.AspNetCore.Http;

namespace ActorPager.Service;

/// <summary>
/// Checks of the parts of a request: query numbers, the Range header, file paths. Each returns
/// the value or an error message for a 400 problem; nothing here throws on bad input.
/// </summary>
internal static class RequestParsing
{
    /// <summary>The operations named by a reserved last path segment, per method.</summary>
    public static (string Path, RouteKind Route) SplitFileRoute(string rest, string method)
    {
        static bool EndsWith(string rest, string segment, out string path)
        {
            if (rest.Length > segment.Length + 1 && rest.EndsWith(segment, StringComparison.Ordinal) && rest[^(segment.Length + 1)] == '/')
            {
                path = rest[..^(segment.Length + 1)];
                return true;
            }

            path = rest;
            return false;
        }

        if (HttpMethods.IsGet(method))
        {
            return EndsWith(rest, "stat", out var path) ? (path, RouteKind.Stat)
                : EndsWith(rest, "pages", out path) ? (path, RouteKind.Pages)
                : (rest, RouteKind.Read);
        }

        if (HttpMethods.IsPost(method))
        {
            return EndsWith(rest, "sync", out var path) ? (path, RouteKind.Sync)
                : EndsWith(rest, "truncate", out path) ? (path, RouteKind.Truncate)
                : (rest, RouteKind.Other);
        }

        return HttpMethods.IsPut(method) ? (rest, RouteKind.Write) : (rest, RouteKind.Other);
    }

    /// <summary>The file path of a route value: %2F (left encoded by Kestrel) becomes '/', then the store's name rules apply (no '..', no absolute path, no NUL).</summary>
    public static string? CheckPath(string? rest, out string path)
    {
        path = (rest ?? string.Empty).Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        if (path.Length == 0)
        {
            return "the file path is empty: use /v1/files/{path}";
        }

        return FileNames.Check(path) is { } error ? $"file path: {error.Message}" : null;
    }

    /// <summary>Reads a non-negative whole number from the query; absent gives <paramref name="fallback"/> (null when required).</summary>
    public static string? Number(IQueryCollection query, string name, long? fallback, out long value)
    {
        value = fallback ?? 0;
        if (!query.TryGetValue(name, out var values))
        {
            return fallback is null ? $"the query parameter '{name}' is required" : null;
        }

        if (values.Count != 1)
        {
            return $"the query parameter '{name}' is given {values.Count} times; give it once";
        }

        var text = values[0] ?? string.Empty;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return text.Length > 0 && text.TrimStart('-').All(char.IsAsciiDigit)
                ? $"{name}: {Shorten(text)} is too large (the limit is {long.MaxValue})"
                : $"{name}: \"{Shorten(text)}\" is not a whole number";
        }

        return value < 0 ? $"{name}: {value} is negative" : null;
    }

    /// <summary>Reads a boolean query switch; absent is false.</summary>
    public static string? Flag(IQueryCollection query, string name, out bool value)
    {
        value = false;
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            return $"the query parameter '{name}' is given {values.Count} times; give it once";
        }

        switch (values[0]?.ToLowerInvariant())
        {
            case "true" or "1" or "":
                value = true;
                return null;
            case "false" or "0":
                return null;
            default:
                return $"{name}: \"{Shorten(values[0] ?? string.Empty)}\" is not true or false";
        }
    }

    /// <summary>
    /// Parses a <c>Range: bytes=</c> header with one range: <c>a-b</c>, <c>a-</c> (to EOF) or
    /// <c>-n</c> (the last n bytes). <paramref name="start"/> is null for a suffix range, whose
    /// length is then <paramref name="length"/>; an open range has a null length.
    /// </summary>
    public static string? Range(string header, out long? start, out long? length)
    {
        start = null;
        length = null;
        const string Prefix = "bytes=";
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return $"Range: \"{Shorten(header)}\" is not a byte range (expected bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX)";
        }

        var spec = header[Prefix.Length..].Trim();
        if (spec.Contains(',', StringComparison.Ordinal))
        {
            return "Range: several ranges in one request are not supported; ask for one range";
        }

        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return $"Range: \"{Shorten(header)}\" has no '-' (expected bytes=FIRST-LAST)";
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!TryDigits(last, out var suffix) || suffix == 0)
            {
                return $"Range: \"{Shorten(header)}\" is not a valid suffix range (expected bytes=-N with N > 0)";
            }

            length = suffix;
            return null;
        }

        if (!TryDigits(first, out var from))
        {
            return $"Range: \"{Shorten(first)}\" is not a byte position";
        }

        start = from;
        if (last.Length == 0)
        {
            return null;
        }

        if (!TryDigits(last, out var to))
        {
            return $"Range: \"{Shorten(last)}\" is not a byte position";
        }

        if (to < from)
        {
            return $"Range: the last byte {to} comes before the first {from}";
        }

        length = to - from + 1;
        return null;
    }

    private static bool TryDigits(string text, out long value)
    {
        value = 0;
        return text.Length > 0 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value < long.MaxValue;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
