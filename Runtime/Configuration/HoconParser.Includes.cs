using System.Text;

namespace ActorPager.Runtime.Configuration;

/// <summary>Include statements: <c>include "x"</c>, <c>include file("x")</c>, <c>url(...)</c>, <c>classpath(...)</c>, <c>required(...)</c>.</summary>
internal sealed partial class HoconParser
{
    /// <summary>How an include names what it includes.</summary>
    private enum IncludeKind
    {
        /// <summary><c>include "x"</c>: a URL if it looks like one, else a file (or a resource when the includer is one).</summary>
        Heuristic,

        /// <summary><c>file("x")</c></summary>
        File,

        /// <summary><c>url("x")</c></summary>
        Url,

        /// <summary><c>classpath("x")</c>: an embedded resource of the runtime assembly.</summary>
        Classpath,
    }

    private void ParseInclude(ConfigObject obj)
    {
        var keyword = Take();
        SkipWhitespaceAndNewlines();
        var opener = new StringBuilder();
        var nameToken = Peek();
        while (nameToken.Kind is TokenKind.Unquoted or TokenKind.Whitespace)
        {
            if (nameToken.Kind == TokenKind.Unquoted)
            {
                opener.Append(nameToken.Text);
            }

            Take();
            nameToken = Peek();
        }

        const string Usage = "include must be followed by a quoted name: include \"file\", include file(\"...\"), url(\"...\"), classpath(\"...\"), or any of them inside required(...)";
        var (kind, required, closers) = opener.ToString() switch
        {
            "" => (IncludeKind.Heuristic, false, 0),
            "file(" => (IncludeKind.File, false, 1),
            "url(" => (IncludeKind.Url, false, 1),
            "classpath(" => (IncludeKind.Classpath, false, 1),
            "required(" => (IncludeKind.Heuristic, true, 1),
            "required(file(" => (IncludeKind.File, true, 2),
            "required(url(" => (IncludeKind.Url, true, 2),
            "required(classpath(" => (IncludeKind.Classpath, true, 2),
            _ => throw Error(keyword, Usage),
        };

        if (nameToken.Kind != TokenKind.QuotedString)
        {
            throw Error(nameToken, Usage + $"; got {nameToken.Describe()}");
        }

        Take();
        if (closers > 0)
        {
            var closing = new StringBuilder();
            while (Peek().Kind is TokenKind.Unquoted or TokenKind.Whitespace)
            {
                var t = Take();
                if (t.Kind == TokenKind.Unquoted)
                {
                    closing.Append(t.Text);
                }
            }

            if (closing.ToString() != new string(')', closers))
            {
                throw Error(nameToken, $"expected {closers} closing ')' after the included name");
            }
        }

        var prefix = _include.Prefix.Concat(new ConfigPath([.. _path]));
        var included = Include(kind, nameToken.Text!, required, Origin(keyword), prefix);
        foreach (var (key, value) in included)
        {
            ConfigMerge.MergeField(obj, key, value);
        }
    }

    private ConfigObject Include(IncludeKind kind, string name, bool required, ConfigOrigin origin, ConfigPath prefix)
    {
        if (_include.Chain.Count >= IncludeContext.MaxIncludeDepth)
        {
            throw HoconException.At(origin, null, $"includes nest more than {IncludeContext.MaxIncludeDepth} files deep");
        }

        if (kind == IncludeKind.Heuristic)
        {
            kind = LooksLikeUrl(name) ? IncludeKind.Url : _include.IsResource ? IncludeKind.Classpath : IncludeKind.File;
        }

        if (kind == IncludeKind.Url)
        {
            if (!Uri.TryCreate(name, UriKind.Absolute, out var uri) || !uri.IsFile)
            {
                throw HoconException.At(origin, null, $"cannot include '{name}': only file: URLs can be included; use file(\"...\") for a local file");
            }

            name = uri.LocalPath;
            kind = IncludeKind.File;
        }

        var candidates = Candidates(name);
        var result = new ConfigObject(origin);
        var found = false;
        foreach (var candidate in candidates)
        {
            var loaded = kind == IncludeKind.Classpath
                ? ConfigLoader.TryLoadResource(candidate, _include, prefix, origin)
                : ConfigLoader.TryLoadFile(
                    Path.IsPathRooted(candidate) ? candidate : Path.Combine(_include.Directory ?? string.Empty, candidate),
                    _include,
                    prefix,
                    origin);
            if (loaded is null)
            {
                continue;
            }

            // .properties, then .json, then .conf: later ones win (HOCON spec, "file formats and extensions").
            found = true;
            foreach (var (key, value) in loaded)
            {
                ConfigMerge.MergeField(result, key, value);
            }
        }

        if (!found && required)
        {
            var where = kind == IncludeKind.Classpath ? "as an embedded resource" : $"in '{(_include.Directory is null or "" ? "." : _include.Directory)}'";
            throw HoconException.At(origin, null, $"required include '{name}' was not found (looked for {string.Join(", ", candidates)} {where})");
        }

        return result;
    }

    /// <summary>The names to try: the name itself when it has a known extension, otherwise name.properties, name.json and name.conf.</summary>
    private static string[] Candidates(string name)
    {
        var extension = Path.GetExtension(name);
        return extension.ToLowerInvariant() is ".conf" or ".json" or ".properties"
            ? [name]
            : [name + ".properties", name + ".json", name + ".conf"];
    }

    private static bool LooksLikeUrl(string name)
    {
        var colon = name.IndexOf("://", StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        for (var i = 0; i < colon; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(name[i]) || name[i] is '+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
