using System.Globalization;
using System.Numerics;

namespace ActorPager.Runtime.Configuration;

/// <summary>Durations and sizes in bytes, per HOCON.md's "Units format", "Duration format" and "Size in bytes format".</summary>
public sealed partial class Config
{
    /// <summary>Duration units (case-sensitive, lowercase) to nanoseconds.</summary>
    private static readonly Dictionary<string, long> DurationUnits = new(StringComparer.Ordinal)
    {
        ["ns"] = 1, ["nano"] = 1, ["nanos"] = 1, ["nanosecond"] = 1, ["nanoseconds"] = 1,
        ["us"] = 1_000, ["micro"] = 1_000, ["micros"] = 1_000, ["microsecond"] = 1_000, ["microseconds"] = 1_000,
        ["ms"] = 1_000_000, ["milli"] = 1_000_000, ["millis"] = 1_000_000, ["millisecond"] = 1_000_000, ["milliseconds"] = 1_000_000,
        ["s"] = 1_000_000_000, ["second"] = 1_000_000_000, ["seconds"] = 1_000_000_000,
        ["m"] = 60_000_000_000, ["minute"] = 60_000_000_000, ["minutes"] = 60_000_000_000,
        ["h"] = 3_600_000_000_000, ["hour"] = 3_600_000_000_000, ["hours"] = 3_600_000_000_000,
        ["d"] = 86_400_000_000_000, ["day"] = 86_400_000_000_000, ["days"] = 86_400_000_000_000,
    };

    /// <summary>Size units to their factor; one-letter power-of-two units may be either case.</summary>
    private static readonly Dictionary<string, BigInteger> SizeUnits = BuildSizeUnits();

    private static Dictionary<string, BigInteger> BuildSizeUnits()
    {
        var units = new Dictionary<string, BigInteger>(StringComparer.Ordinal)
        {
            ["B"] = 1, ["b"] = 1, ["byte"] = 1, ["bytes"] = 1,
        };
        string[] decimalNames = ["kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"];
        string[] binaryNames = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"];
        const string Letters = "KMGTPEZY";
        for (var i = 0; i < Letters.Length; i++)
        {
            var power10 = BigInteger.Pow(1000, i + 1);
            var power2 = BigInteger.Pow(1024, i + 1);
            var letter = Letters[i].ToString();
            units[(i == 0 ? "k" : letter) + "B"] = power10;
            units[decimalNames[i] + "byte"] = power10;
            units[decimalNames[i] + "bytes"] = power10;
            units[letter] = power2;
            units[letter.ToLowerInvariant()] = power2;
            units[letter + "i"] = power2;
            units[letter + "iB"] = power2;
            units[binaryNames[i] + "byte"] = power2;
            units[binaryNames[i] + "bytes"] = power2;
        }

        return units;
    }

    private static TimeSpan ToDuration(ConfigValue value, string path)
    {
        const string Expected = "a duration such as 10ms or 5 seconds";
        var (numberText, factor, shown) = SplitQuantity(value, path, Expected, "duration", DurationUnits, 1_000_000L,
            "use ns, us, ms, s, m, h or d (or a long name such as seconds; units are lowercase)");

        if (long.TryParse(numberText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            var nanos = (BigInteger)whole * factor;
            if (nanos / 100 > TimeSpan.MaxValue.Ticks || nanos / 100 < TimeSpan.MinValue.Ticks)
            {
                throw HoconException.At(value.Origin, path, $"the duration {shown} is out of range");
            }

            return TimeSpan.FromTicks((long)(nanos / 100));
        }

        if (double.TryParse(numberText, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) && double.IsFinite(fraction))
        {
            var ticks = fraction * factor / 100.0;
            if (ticks >= TimeSpan.MaxValue.Ticks || ticks <= TimeSpan.MinValue.Ticks)
            {
                throw HoconException.At(value.Origin, path, $"the duration {shown} is out of range");
            }

            return TimeSpan.FromTicks((long)ticks);
        }

        throw HoconException.At(value.Origin, path, $"expected {Expected}, got {shown}");
    }

    private static long ToBytes(ConfigValue value, string path)
    {
        const string Expected = "a size such as 4KiB";
        var (numberText, factor, shown) = SplitQuantity(value, path, Expected, "size", SizeUnits, BigInteger.One,
            "use B, K/KiB, M/MiB, G/GiB, T/TiB (powers of 1024) or kB, MB, GB, TB (powers of 1000)");

        BigInteger bytes;
        if (long.TryParse(numberText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            bytes = whole * factor;
        }
        else if (double.TryParse(numberText, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) && double.IsFinite(fraction))
        {
            var product = fraction * (double)factor;
            if (Math.Abs(product) >= 9.2233720368547758e18)
            {
                throw HoconException.At(value.Origin, path, $"the size {shown} does not fit in 64 bits");
            }

            bytes = new BigInteger(Math.Truncate(product));
        }
        else
        {
            throw HoconException.At(value.Origin, path, $"expected {Expected}, got {shown}");
        }

        return bytes >= long.MinValue && bytes <= long.MaxValue
            ? (long)bytes
            : throw HoconException.At(value.Origin, path, $"the size {shown} does not fit in 64 bits");
    }

    /// <summary>
    /// The number part, the unit's factor and the value as shown in errors, for a duration or a
    /// size: a bare number takes <paramref name="plainFactor"/>; a string is a number and an
    /// optional unit from <paramref name="units"/>.
    /// </summary>
    private static (string Number, T Factor, string Shown) SplitQuantity<T>(ConfigValue value, string path, string expected, string kind, Dictionary<string, T> units, T plainFactor, string unitHelp)
    {
        switch (value)
        {
            case ConfigNumber n:
                return (n.Text, plainFactor, n.Text);
            case ConfigString s:
                var shown = ConfigRenderer.Quote(s.Value);
                var (number, unit) = SplitUnit(s.Value);
                if (number.Length == 0)
                {
                    throw HoconException.At(s.Origin, path, $"expected {expected}, got {shown}");
                }

                if (unit.Length == 0)
                {
                    return (number, plainFactor, shown);
                }

                return units.TryGetValue(unit, out var factor)
                    ? (number, factor, shown)
                    : throw HoconException.At(s.Origin, path, $"unknown {kind} unit '{unit}' in {shown}; {unitHelp}");
            default:
                throw TypeError(value, path, expected);
        }
    }

    /// <summary>Splits "  1.5 seconds " into ("1.5", "seconds"): the unit is the trailing letters.</summary>
    private static (string Number, string Unit) SplitUnit(string text)
    {
        var trimmed = text.Trim();
        var i = trimmed.Length;
        while (i > 0 && char.IsLetter(trimmed[i - 1]))
        {
            i--;
        }

        return (trimmed[..i].Trim(), trimmed[i..]);
    }
}
