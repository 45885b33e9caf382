using System.Globalization;
using System.Text;

namespace ActorPager.Actors;

/// <summary>
/// A configuration file, an environment override or a setting cannot be used: the file is
/// missing or unreadable, Akka's HOCON reader rejects it, a substitution cannot be resolved, or a
/// setting has the wrong type or is out of range. The message reads
/// <c>file[:line:column]: [path: ]problem</c>, leaving out what is not known, so a user can go
/// straight to the place to fix.
/// </summary>
/// <remarks>
/// Akka's reader keeps no positions in the tree it builds, so a line and column are known only
/// for the syntax errors whose message gives a position; a bad value names the file (or the
/// <c>ACTORPAGER__</c> variable) it came from and its path.
/// </remarks>
public sealed class ConfigException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public ConfigException()
        : this(null, null, "the configuration is invalid")
    {
    }

    /// <summary>Creates an exception with a message only (no file or path).</summary>
    /// <param name="message">What is wrong.</param>
    public ConfigException(string message)
        : this(null, null, message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ConfigException(string message, Exception innerException)
        : this(null, null, message, innerException)
    {
    }

    /// <summary>Creates an exception naming where the problem is.</summary>
    /// <param name="file">The file as the user named it, <c>environment variable NAME</c>, <c>reference.conf</c>, or null when not known.</param>
    /// <param name="path">The setting concerned (for example <c>actorpager.vm.page-size</c>), or null.</param>
    /// <param name="problem">What is wrong, without the location.</param>
    /// <param name="innerException">The cause, if any (for example the exception Akka's reader threw).</param>
    /// <param name="line">1-based line, when known.</param>
    /// <param name="column">1-based column, when known.</param>
    public ConfigException(string? file, string? path, string problem, Exception? innerException = null, int? line = null, int? column = null)
        : base(Format(file, path, problem, line, column), innerException)
    {
        File = file;
        Path = path;
        Problem = problem;
        Line = line;
        Column = column;
    }

    /// <summary>Where the problem is: a file as the user named it, <c>environment variable NAME</c>, <c>reference.conf</c>, or null.</summary>
    public string? File { get; }

    /// <summary>The setting concerned, or null.</summary>
    public string? Path { get; }

    /// <summary>What is wrong, without the location prefix.</summary>
    public string Problem { get; }

    /// <summary>1-based line of a syntax error, when Akka's reader gave a position.</summary>
    public int? Line { get; }

    /// <summary>1-based column of a syntax error, when Akka's reader gave a position.</summary>
    public int? Column { get; }

    private static string Format(string? file, string? path, string problem, int? line, int? column)
    {
        var sb = new StringBuilder();
        if (file is not null)
        {
            sb.Append(file);
            if (line is { } l && column is { } c)
            {
                sb.Append(CultureInfo.InvariantCulture, $":{l}:{c}");
            }

            sb.Append(": ");
        }

        if (!string.IsNullOrEmpty(path))
        {
            sb.Append(path).Append(": ");
        }

        sb.Append(problem);
        return sb.ToString();
    }
}
