using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace ActorPager.Service;

/// <summary>The API's JSON settings: camelCase, as <see cref="Client.ActorPagerClient"/> reads them.</summary>
internal static class ApiJson
{
    /// <summary>The options every response is written with.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        // Problem details quote paths and values; keep ' and " readable rather than \u0027.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>RFC 7807 problem responses (<c>application/problem+json</c>) whose detail says what was wrong.</summary>
internal static class Problems
{
    /// <summary>Answers <paramref name="status"/> with a problem document, unless the response has started.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string detail)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Too late for a status: the client sees a cut-short body.
            context.Abort();
            return;
        }

        response.StatusCode = status;
        response.ContentLength = null;
        var problem = new Problem(
            "about:blank",
            ReasonPhrases.GetReasonPhrase(status),
            status,
            detail,
            context.Request.Path.Value ?? string.Empty);
        await response.WriteAsJsonAsync(problem, ApiJson.Options, "application/problem+json", context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The problem document's fields (RFC 7807 section 3.1).</summary>
    private sealed record Problem(string Type, string Title, int Status, string Detail, string Instance);
}
