namespace ActorPager.Storage;

/// <summary>
/// The rules every store applies to a file name, so that a name valid for one store is valid for
/// all of them and can never leave a directory store's root.
/// </summary>
/// <remarks>
/// A name is one or more segments separated by '/'. Refused: an empty name; a name longer than
/// <see cref="MaxLength"/> characters; NUL and other control characters; a backslash; an absolute
/// path ('/' first) or a drive prefix ("C:"); an empty segment ("a//b", a trailing '/'); and the
/// segments "." and "..". The directory store also refuses names that pass through a symbolic
/// link or resolve outside its root.
/// </remarks>
public static class FileNames
{
    /// <summary>The longest name accepted, in characters.</summary>
    public const int MaxLength = 1024;

    /// <summary>Checks a file name against the rules.</summary>
    /// <param name="file">The name.</param>
    /// <returns>Null when the name is valid; otherwise an <see cref="StoreErrorKind.InvalidName"/> error saying what is wrong.</returns>
    public static StoreError? Check(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Length == 0)
        {
            return Invalid(file, "is empty");
        }

        if (file.Length > MaxLength)
        {
            return Invalid(file[..64] + "...", $"is {file.Length} characters long; the limit is {MaxLength}");
        }

        int segmentStart = 0;
        for (int i = 0; i <= file.Length; i++)
        {
            char c = i < file.Length ? file[i] : '/';
            if (c == '\0')
            {
                return Invalid(file, $"contains a NUL byte at position {i}");
            }

            if (char.IsControl(c))
            {
                return Invalid(file, $"contains the control character U+{(int)c:X4} at position {i}");
            }

            if (c == '\\')
            {
                return Invalid(file, $"contains a backslash at position {i}; separate directories with '/'");
            }

            if (c != '/')
            {
                continue;
            }

            int length = i - segmentStart;
            if (i == 0)
            {
                return Invalid(file, "is an absolute path; names are relative to the store");
            }

            if (length == 0)
            {
                return Invalid(file, $"has an empty segment at position {segmentStart}");
            }

            if (length == 1 && file[segmentStart] == '.')
            {
                return Invalid(file, "contains a '.' segment");
            }

            if (length == 2 && file[segmentStart] == '.' && file[segmentStart + 1] == '.')
            {
                return Invalid(file, "contains a '..' segment, which could leave the store's root");
            }

            segmentStart = i + 1;
        }

        if (file.Length >= 2 && file[1] == ':' && char.IsAsciiLetter(file[0]))
        {
            return Invalid(file, "starts with a drive prefix; names are relative to the store");
        }

        return null;
    }

    /// <summary>Builds the error for a refused name.</summary>
    private static StoreError Invalid(string file, string what) =>
        new(StoreErrorKind.InvalidName, $"file name '{Printable(file)}' {what}", false);

    /// <summary>The name with control characters escaped, so that an error message prints safely.</summary>
    private static string Printable(string file)
    {
        bool clean = true;
        foreach (char c in file)
        {
            if (char.IsControl(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return file;
        }

        var builder = new System.Text.StringBuilder(file.Length + 8);
        foreach (char c in file)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return builder.ToString();
    }
}
