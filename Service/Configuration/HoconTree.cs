using Akka.Configuration.Hocon;

namespace ActorPager.Service.Configuration;

/// <summary>
/// How Akka's reader sees a node of its tree, for the walkers that render it
/// (<see cref="ConfigRenderer"/>) and flatten it (<see cref="HoconConfigurationProvider"/>).
/// Akka keeps every scalar as text (it does not record whether <c>42</c> was quoted), so a
/// scalar's type is read from its text.
/// </summary>
/// <remarks>
/// Walk only trees from <c>ActorPager.Actors.ConfigLoader</c>, which refuses substitution
/// cycles; Akka's own accessors follow a cycle until the stack overflows.
/// </remarks>
internal static class HoconTree
{
    /// <summary>The shape of a node.</summary>
    public enum Kind
    {
        /// <summary>An object: <see cref="HoconValue.GetObject"/>.</summary>
        Object,

        /// <summary>A list (possibly empty, possibly a concatenation of lists): <see cref="HoconValue.GetArray"/>.</summary>
        List,

        /// <summary>Text (or a concatenation of texts and substitutions): <see cref="HoconValue.GetString"/>, which is null for <c>null</c>.</summary>
        Scalar,

        /// <summary>
        /// Nothing: Akka's reader leaves a key without a value when none follows it
        /// (<c>a =</c> at the end of a line, or <c>a b</c> with no separator).
        /// </summary>
        Empty,
    }

    /// <summary>The shape Akka's accessors give <paramref name="value"/>.</summary>
    public static Kind KindOf(HoconValue value) =>
        value.IsObject() ? Kind.Object
        : value.IsString() ? Kind.Scalar
        : value.Values.Exists(e => e.IsArray()) ? Kind.List
        : Kind.Empty;

    /// <summary>Whether a scalar's text reads as a JSON number (as written: <c>42</c>, <c>-1</c>, <c>42.1</c>, <c>1e3</c>).</summary>
    public static bool IsNumber(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        var digits = Digits(text, ref i);
        if (digits == 0 || (digits > 1 && text[i - digits] == '0'))
        {
            return false;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (Digits(text, ref i) == 0)
            {
                return false;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            if (Digits(text, ref i) == 0)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static int Digits(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i - start;
    }
}
