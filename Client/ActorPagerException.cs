using System.Net;

namespace ActorPager.Client;

/// <summary>
/// The server answered with an error: an RFC 7807 problem (<c>application/problem+json</c>) whose
/// <see cref="Detail"/> says what was wrong, or a failure without one.
/// </summary>
public sealed class ActorPagerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorPagerException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ActorPagerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ActorPagerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from a server's problem.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="detail">The problem's detail: what was wrong.</param>
    public ActorPagerException(HttpStatusCode status, string? title, string? detail)
        : base($"{(int)status} {title ?? status.ToString()}: {detail ?? "(no detail)"}")
    {
        Status = status;
        Title = title;
        Detail = detail;
    }

    /// <summary>The HTTP status the server answered.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The problem's title (a short, fixed summary of the status).</summary>
    public string? Title { get; }

    /// <summary>The problem's detail: what was wrong with this request.</summary>
    public string? Detail { get; }
}
