namespace ActorPager.Runtime.Configuration;

/// <summary>
/// A value in a configuration tree: an object, a list, a string, a number, a boolean or null.
/// Values are immutable once a <see cref="Config"/> hands them out. Two values are equal when they
/// have the same type and contents (numbers compare by value, object keys in any order).
/// </summary>
public abstract class ConfigValue : IEquatable<ConfigValue>
{
    /// <summary>The deepest nesting of objects and lists a document or a resolved value may have.</summary>
    internal const int MaxDepth = 512;

    private protected ConfigValue(ConfigOrigin origin)
    {
        Origin = origin;
    }

    /// <summary>The JSON type of this value.</summary>
    public abstract ConfigValueType ValueType { get; }

    /// <summary>
    /// The value as plain .NET data: <see cref="string"/>, <see cref="long"/>, <see cref="double"/>,
    /// <see cref="bool"/>, null, a read-only dictionary (objects) or a read-only list (lists).
    /// </summary>
    public abstract object? Unwrapped { get; }

    /// <summary>Where the value was written, as <c>file:line:column</c> (empty when made by code).</summary>
    public string OriginDescription => Origin.ToString();

    /// <summary>Where the value was written.</summary>
    internal ConfigOrigin Origin { get; }

    /// <summary>Recomputes the cached resolved flag and depth of this value and everything inside it (after in-place merges); scalars have nothing to do.</summary>
    internal virtual void Reseal()
    {
    }

    /// <summary>False for substitutions, concatenations and merges waiting for <see cref="Config.Resolve"/>, and for containers holding them.</summary>
    internal virtual bool IsResolved => true;

    /// <summary>How many containers deep this value goes (0 for a scalar).</summary>
    internal virtual int Depth => 0;

    /// <summary>Renders the value as HOCON text that parses back to an equal value.</summary>
    public string Render() => ConfigRenderer.RenderHocon(this);

    /// <summary>Renders the value as JSON.</summary>
    /// <param name="indented">Indent with two spaces and put each field on its own line.</param>
    public string ToJson(bool indented = false) => ConfigRenderer.RenderJson(this, indented);

    /// <inheritdoc/>
    public bool Equals(ConfigValue? other) => other is not null && ConfigEquality.AreEqual(this, other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ConfigValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ConfigEquality.Hash(this);

    /// <summary>The value rendered as HOCON.</summary>
    public override string ToString() => IsResolved ? Render() : "<unresolved>";

    /// <summary>The word a user reads in a type error ("an object", "a string", ...).</summary>
    internal static string Describe(ConfigValueType type) => type switch
    {
        ConfigValueType.Object => "an object",
        ConfigValueType.List => "a list",
        ConfigValueType.String => "a string",
        ConfigValueType.Number => "a number",
        ConfigValueType.Boolean => "a boolean",
        _ => "null",
    };
}
