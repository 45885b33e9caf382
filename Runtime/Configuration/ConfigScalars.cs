using System.Globalization;

namespace ActorPager.Runtime.Configuration;

/// <summary>How a string was written; whitespace pieces exist only inside concatenations.</summary>
internal enum StringKind : byte
{
    /// <summary>In double or triple quotes.</summary>
    Quoted,

    /// <summary>Unquoted text.</summary>
    Unquoted,

    /// <summary>Whitespace between two pieces of a value concatenation.</summary>
    Whitespace,
}

/// <summary>A string value.</summary>
internal sealed class ConfigString(ConfigOrigin origin, string value, StringKind kind = StringKind.Quoted) : ConfigValue(origin)
{
    /// <summary>The text.</summary>
    public string Value { get; } = value;

    /// <summary>How it was written.</summary>
    public StringKind Kind { get; } = kind;

    /// <inheritdoc/>
    public override ConfigValueType ValueType => ConfigValueType.String;

    /// <inheritdoc/>
    public override object? Unwrapped => Value;
}

/// <summary>A number, keeping the text it was written as (value concatenation and paths use that text).</summary>
internal sealed class ConfigNumber : ConfigValue
{
    internal ConfigNumber(ConfigOrigin origin, string text, long value)
        : base(origin)
    {
        Text = text;
        Long = value;
        Double = value;
        IsIntegral = true;
    }

    internal ConfigNumber(ConfigOrigin origin, string text, double value)
        : base(origin)
    {
        Text = text;
        Double = value;
        Long = (long)value;
        IsIntegral = false;
    }

    /// <summary>The number as written.</summary>
    public string Text { get; }

    /// <summary>The value when integral (or the truncated double).</summary>
    public long Long { get; }

    /// <summary>The value as a double.</summary>
    public double Double { get; }

    /// <summary>Whether the number was written without a fraction or exponent and fits a long.</summary>
    public bool IsIntegral { get; }

    /// <inheritdoc/>
    public override ConfigValueType ValueType => ConfigValueType.Number;

    /// <inheritdoc/>
    public override object? Unwrapped => IsIntegral ? (object)Long : Double;

    /// <summary>Parses number text the way the tokenizer and the JSON reader see it; null when it is not a finite number.</summary>
    public static ConfigNumber? TryParse(ConfigOrigin origin, string text)
    {
        var decimalOrExponent = text.AsSpan().IndexOfAny(".eE") >= 0;
        if (!decimalOrExponent && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return new ConfigNumber(origin, text, l);
        }

        if (decimalOrExponent
            && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d))
        {
            return new ConfigNumber(origin, text, d);
        }

        return null;
    }
}

/// <summary><c>true</c> or <c>false</c>.</summary>
internal sealed class ConfigBoolean(ConfigOrigin origin, bool value) : ConfigValue(origin)
{
    /// <summary>The value.</summary>
    public bool Value { get; } = value;

    /// <inheritdoc/>
    public override ConfigValueType ValueType => ConfigValueType.Boolean;

    /// <inheritdoc/>
    public override object? Unwrapped => Value;
}

/// <summary><c>null</c>.</summary>
internal sealed class ConfigNull(ConfigOrigin origin) : ConfigValue(origin)
{
    /// <inheritdoc/>
    public override ConfigValueType ValueType => ConfigValueType.Null;

    /// <inheritdoc/>
    public override object? Unwrapped => null;
}
