using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ActorPager.Runtime.Configuration;

/// <summary>
/// An object value: keys in the order they were first written, each mapped to a value.
/// </summary>
public sealed class ConfigObject : ConfigValue, IReadOnlyDictionary<string, ConfigValue>
{
    /// <summary>Fields in first-written order.</summary>
    private readonly OrderedDictionary<string, ConfigValue> _fields;

    /// <summary>How many fields hold unresolved values (kept exact for trees built bottom-up; recomputed by <see cref="Reseal"/>).</summary>
    private int _unresolved;

    /// <summary>1 + the deepest child's depth.</summary>
    private int _depth = 1;

    internal ConfigObject(ConfigOrigin origin)
        : base(origin)
    {
        _fields = new OrderedDictionary<string, ConfigValue>(StringComparer.Ordinal);
    }

    internal ConfigObject(ConfigOrigin origin, int capacity)
        : base(origin)
    {
        _fields = new OrderedDictionary<string, ConfigValue>(capacity, StringComparer.Ordinal);
    }

    /// <summary>An empty object with no origin.</summary>
    internal static ConfigObject Empty => new(ConfigOrigin.None);

    /// <inheritdoc/>
    public override ConfigValueType ValueType => ConfigValueType.Object;

    /// <inheritdoc/>
    public override object? Unwrapped
    {
        get
        {
            var result = new Dictionary<string, object?>(_fields.Count, StringComparer.Ordinal);
            foreach (var (key, value) in _fields)
            {
                result[key] = value.Unwrapped;
            }

            return result;
        }
    }

    /// <summary>The number of fields.</summary>
    public int Count => _fields.Count;

    /// <summary>The keys, in first-written order.</summary>
    public IEnumerable<string> Keys => _fields.Keys;

    /// <summary>The values, in key order.</summary>
    public IEnumerable<ConfigValue> Values => _fields.Values;

    internal override bool IsResolved => _unresolved == 0;

    internal override int Depth => _depth;

    /// <summary>The value of a field.</summary>
    /// <param name="key">A single key (not a path).</param>
    public ConfigValue this[string key] => _fields[key];

    /// <summary>Whether the object has a field with this key.</summary>
    /// <param name="key">A single key (not a path).</param>
    public bool ContainsKey(string key) => _fields.ContainsKey(key);

    /// <summary>Gets the value of a field if it exists.</summary>
    /// <param name="key">A single key (not a path).</param>
    /// <param name="value">The value, when found.</param>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out ConfigValue value) => _fields.TryGetValue(key, out value);

    /// <summary>Enumerates the fields in key order.</summary>
    public IEnumerator<KeyValuePair<string, ConfigValue>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Sets a field, keeping its position if it exists. Only code that owns this object (the parser, a merge building a new object) calls it.</summary>
    internal void Set(string key, ConfigValue value)
    {
        if (_fields.TryGetValue(key, out var old) && !old.IsResolved)
        {
            _unresolved--;
        }

        _fields[key] = value;
        if (!value.IsResolved)
        {
            _unresolved++;
        }

        if (value.Depth + 1 > _depth)
        {
            _depth = value.Depth + 1;
            if (_depth > MaxDepth)
            {
                throw HoconException.At(value.Origin, null, $"values nest deeper than {MaxDepth} levels of objects and lists");
            }
        }
    }

    /// <summary>
    /// Recomputes the resolved flag and depth of this object and everything under it. The parser
    /// merges into objects in place after they were added to their parent, so it calls this once
    /// when a document is complete.
    /// </summary>
    internal void Reseal()
    {
        ConfigEquality.EnsureStack();
        _unresolved = 0;
        _depth = 1;
        foreach (var value in _fields.Values)
        {
            switch (value)
            {
                case ConfigObject o:
                    o.Reseal();
                    break;
                case ConfigList l:
                    l.Reseal();
                    break;
                case UnresolvedValue u:
                    u.Reseal();
                    break;
            }

            if (!value.IsResolved)
            {
                _unresolved++;
            }

            _depth = Math.Max(_depth, value.Depth + 1);
        }
    }
}
