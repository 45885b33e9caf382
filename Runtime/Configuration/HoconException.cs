using System.Globalization;
using System.Text;

namespace ActorPager.Runtime.Configuration;

/// <summary>
/// A problem in a HOCON document or in a request for a setting: a syntax error, an include that
/// cannot be read, a substitution that cannot be resolved, or a value of the wrong type.
/// The message reads <c>file:line:column: path: what is wrong</c>, leaving out the parts that
/// are not known, so a user can go straight to the place to fix.
/// </summary>
public sealed class HoconException : Exception
{
    /// <summary>Creates an exception with a message only (no location).</summary>
    public HoconException()
        : this(null, 0, 0, null, "invalid configuration")
    {
    }

    /// <summary>Creates an exception with a message only (no location).</summary>
    /// <param name="message">What is wrong.</param>
    public HoconException(string message)
        : this(null, 0, 0, null, message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public HoconException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    /// <summary>Creates an exception naming where the problem is.</summary>
    /// <param name="file">The file (as the user named it), or null for a string or unknown source.</param>
    /// <param name="line">1-based line, or 0 when unknown.</param>
    /// <param name="column">1-based column, or 0 when unknown.</param>
    /// <param name="path">The configuration path concerned, or null.</param>
    /// <param name="problem">What is wrong, without the location.</param>
    /// <param name="innerException">The cause, if any.</param>
    public HoconException(string? file, int line, int column, string? path, string problem, Exception? innerException = null)
        : base(Format(file, line, column, path, problem), innerException)
    {
        File = file;
        Line = line;
        Column = column;
        Path = path;
        Problem = problem;
    }

    /// <summary>The file the problem is in, or null when it is not known or the input was a string.</summary>
    public string? File { get; }

    /// <summary>1-based line of the problem, or 0 when not known.</summary>
    public int Line { get; }

    /// <summary>1-based column of the problem, or 0 when not known.</summary>
    public int Column { get; }

    /// <summary>The configuration path concerned (for example <c>actorpager.scheduler.tick-duration</c>), or null.</summary>
    public string? Path { get; }

    /// <summary>What is wrong, without the location prefix.</summary>
    public string Problem { get; }

    internal static HoconException At(ConfigOrigin origin, string? path, string problem) =>
        new(origin.File, origin.Line, origin.Column, path, problem);

    private static string Format(string? file, int line, int column, string? path, string problem)
    {
        var sb = new StringBuilder();
        if (file is not null)
        {
            sb.Append(file);
            if (line > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $":{line}:{column}");
            }

            sb.Append(": ");
        }
        else if (line > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{line}:{column}: ");
        }

        if (!string.IsNullOrEmpty(path))
        {
            sb.Append(path).Append(": ");
        }

        sb.Append(problem);
        return sb.ToString();
    }
}
