namespace ActorPager.Runtime.Configuration;

/// <summary>A value that only <see cref="Config.Resolve"/> can turn into a plain value.</summary>
internal abstract class UnresolvedValue(ConfigOrigin origin) : ConfigValue(origin)
{
    /// <inheritdoc/>
    public override ConfigValueType ValueType =>
        throw HoconException.At(Origin, null, "this value has substitutions that have not been resolved; call Resolve() on the configuration first");

    /// <inheritdoc/>
    public override object? Unwrapped => throw HoconException.At(Origin, null, "this value has substitutions that have not been resolved; call Resolve() on the configuration first");

    internal override bool IsResolved => false;

    /// <summary>Reseals the containers inside (see <see cref="ConfigObject.Reseal"/>).</summary>
    internal abstract override void Reseal();
}

/// <summary><c>${path}</c> or <c>${?path}</c>.</summary>
internal sealed class ConfigSubstitution(ConfigOrigin origin, ConfigPath path, ConfigPath? fallbackPath, bool optional) : UnresolvedValue(origin)
{
    /// <summary>The path looked up, from the root of the whole configuration.</summary>
    public ConfigPath Path { get; } = path;

    /// <summary>For a substitution in an included file: the path as written, tried when <see cref="Path"/> (fixed up with the include's location) finds nothing.</summary>
    public ConfigPath? FallbackPath { get; } = fallbackPath;

    /// <summary>Whether it was written <c>${?path}</c>.</summary>
    public bool Optional { get; } = optional;

    /// <summary>The substitution as written, e.g. <c>${?a.b}</c>.</summary>
    public override string ToString() => (Optional ? "${?" : "${") + (FallbackPath ?? Path).Render() + "}";

    internal override void Reseal()
    {
    }
}

/// <summary>A value concatenation that contains substitutions: its pieces are joined once they are resolved.</summary>
internal sealed class ConfigConcatenation(ConfigOrigin origin, List<ConfigValue> pieces) : UnresolvedValue(origin)
{
    /// <summary>The pieces, whitespace between them included as <see cref="StringKind.Whitespace"/> strings.</summary>
    public List<ConfigValue> Pieces { get; } = pieces;

    internal override int Depth
    {
        get
        {
            var depth = 0;
            foreach (var piece in Pieces)
            {
                depth = Math.Max(depth, piece.Depth);
            }

            return depth;
        }
    }

    internal override void Reseal()
    {
        foreach (var piece in Pieces)
        {
            piece.Reseal();
        }
    }
}

/// <summary>
/// Several values for one field that cannot be merged before substitutions are resolved, oldest
/// first. The newest wins, objects merge, and a self-referential value sees only the ones before it.
/// </summary>
internal sealed class ConfigDelayedMerge : UnresolvedValue
{
    private ConfigDelayedMerge(ConfigOrigin origin, List<ConfigValue> items)
        : base(origin)
    {
        Items = items;
    }

    /// <summary>The values, oldest (lowest priority) first.</summary>
    public List<ConfigValue> Items { get; }

    internal override int Depth
    {
        get
        {
            var depth = 0;
            foreach (var item in Items)
            {
                depth = Math.Max(depth, item.Depth);
            }

            return depth;
        }
    }

    /// <summary>The merge of <paramref name="older"/> and <paramref name="newer"/>, flattening nested merges and dropping values a plain non-object hides.</summary>
    public static ConfigDelayedMerge Of(ConfigValue older, ConfigValue newer)
    {
        var items = new List<ConfigValue>();
        Append(items, older);
        Append(items, newer);

        // A resolved non-object hides everything before it, even from self-references
        // (they would look back and find it first), so what is below it can go.
        for (var i = items.Count - 1; i > 0; i--)
        {
            if (items[i].IsResolved && items[i] is not ConfigObject)
            {
                items.RemoveRange(0, i);
                break;
            }
        }

        return new ConfigDelayedMerge(newer.Origin, items);
    }

    internal override void Reseal()
    {
        foreach (var item in Items)
        {
            item.Reseal();
        }
    }

    private static void Append(List<ConfigValue> items, ConfigValue value)
    {
        if (value is ConfigDelayedMerge merge)
        {
            items.AddRange(merge.Items);
        }
        else
        {
            items.Add(value);
        }
    }
}
