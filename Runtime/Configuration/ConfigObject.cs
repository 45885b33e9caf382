using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ActorPager.Runtime.Configuration;

/// <summary>
/// An object value: keys in the order they were first written, each mapped to a value.
/// </summary>
public sealed class ConfigObject : ConfigValue, IReadOnlyDictionary<string, ConfigValue>
{
    /// <summary>Objects with more fields than this get a hash index; smaller ones are searched linearly.</summary>
    private const int IndexThreshold = 8;

    /// <summary>Keys in first-written order (the first <see cref="_count"/> entries are used).</summary>
    private string[] _keys;

    /// <summary>Values, parallel to <see cref="_keys"/>.</summary>
    private ConfigValue[] _values;

    /// <summary>How many fields are used.</summary>
    private int _count;

    /// <summary>Key to position, built once an object outgrows <see cref="IndexThreshold"/>.</summary>
    private Dictionary<string, int>? _index;

    /// <summary>How many fields hold unresolved values (kept exact for trees built bottom-up and by <see cref="ConfigMerge.MergeField"/>; recomputed by <see cref="Reseal"/>).</summary>
    private int _unresolved;

    /// <summary>1 + the deepest child's depth.</summary>
    private int _depth = 1;

    internal ConfigObject(ConfigOrigin origin)
        : base(origin)
    {
        _keys = [];
        _values = [];
    }

    internal ConfigObject(ConfigOrigin origin, int capacity)
        : base(origin)
    {
        _keys = capacity == 0 ? [] : new string[capacity];
        _values = capacity == 0 ? [] : new ConfigValue[capacity];
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
            var result = new Dictionary<string, object?>(_count, StringComparer.Ordinal);
            for (var i = 0; i < _count; i++)
            {
                result[_keys[i]] = _values[i].Unwrapped;
            }

            return result;
        }
    }

    /// <summary>The number of fields.</summary>
    public int Count => _count;

    /// <summary>The keys, in first-written order.</summary>
    public IEnumerable<string> Keys => EnumerateKeys();

    /// <summary>The values, in key order.</summary>
    public IEnumerable<ConfigValue> Values => EnumerateValues();

    internal override bool IsResolved => _unresolved == 0;

    internal override int Depth => _depth;

    /// <summary>The value of a field.</summary>
    /// <param name="key">A single key (not a path).</param>
    /// <exception cref="KeyNotFoundException">There is no such field.</exception>
    public ConfigValue this[string key]
    {
        get
        {
            var index = IndexOf(key);
            return index >= 0 ? _values[index] : throw new KeyNotFoundException($"The given key '{key}' was not present in the dictionary.");
        }
    }

    /// <summary>Whether the object has a field with this key.</summary>
    /// <param name="key">A single key (not a path).</param>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <summary>Gets the value of a field if it exists.</summary>
    /// <param name="key">A single key (not a path).</param>
    /// <param name="value">The value, when found.</param>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out ConfigValue value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = null;
            return false;
        }

        value = _values[index];
        return true;
    }

    /// <summary>Enumerates the fields in key order.</summary>
    public IEnumerator<KeyValuePair<string, ConfigValue>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return new KeyValuePair<string, ConfigValue>(_keys[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The key of the field at <paramref name="index"/> (0 to <see cref="Count"/> - 1), for loops that must not allocate an enumerator.</summary>
    internal string KeyAt(int index) => _keys[index];

    /// <summary>The value of the field at <paramref name="index"/>.</summary>
    internal ConfigValue ValueAt(int index) => _values[index];

    /// <summary>The position of <paramref name="key"/>, or -1.</summary>
    internal int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_index is not null)
        {
            return _index.TryGetValue(key, out var found) ? found : -1;
        }

        var keys = _keys;
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(keys[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Sets a field, keeping its position if it exists. Only code that owns this object (the parser, a merge building a new object) calls it.</summary>
    internal void Set(string key, ConfigValue value)
    {
        var index = IndexOf(key);
        if (index >= 0)
        {
            SetAt(index, value, _values[index].IsResolved);
        }
        else
        {
            Add(key, value);
        }
    }

    /// <summary>Appends a field whose key is known not to be present yet.</summary>
    internal void Add(string key, ConfigValue value)
    {
        if (_count == _keys.Length)
        {
            var capacity = _count == 0 ? 4 : _count * 2;
            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _values, capacity);
        }

        _keys[_count] = key;
        _values[_count] = value;
        if (_index is not null)
        {
            _index.Add(key, _count);
        }
        else if (_count == IndexThreshold)
        {
            _index = new Dictionary<string, int>(IndexThreshold * 2, StringComparer.Ordinal);
            for (var i = 0; i <= _count; i++)
            {
                _index.Add(_keys[i], i);
            }
        }

        _count++;
        Track(value, wasResolved: true);
    }

    /// <summary>
    /// Replaces the value at <paramref name="index"/>. <paramref name="wasResolved"/> is whether
    /// the old value was resolved before any in-place merge changed it, so the count of
    /// unresolved fields stays exact.
    /// </summary>
    internal void SetAt(int index, ConfigValue value, bool wasResolved)
    {
        _values[index] = value;
        Track(value, wasResolved);
    }

    /// <summary>
    /// Recomputes the resolved flag and depth of this object and everything under it, for trees
    /// whose objects were changed after they were added to their parent.
    /// </summary>
    internal override void Reseal()
    {
        ConfigEquality.EnsureStack();
        _unresolved = 0;
        _depth = 1;
        for (var i = 0; i < _count; i++)
        {
            var value = _values[i];
            value.Reseal();

            if (!value.IsResolved)
            {
                _unresolved++;
            }

            _depth = Math.Max(_depth, value.Depth + 1);
        }
    }

    /// <summary>Updates the unresolved count and depth for a value stored in place of one that was (or was not) resolved.</summary>
    private void Track(ConfigValue value, bool wasResolved)
    {
        if (!wasResolved)
        {
            _unresolved--;
        }

        if (!value.IsResolved)
        {
            _unresolved++;
        }

        var depth = value.Depth + 1;
        if (depth > _depth)
        {
            _depth = depth;
            if (_depth > MaxDepth)
            {
                throw HoconException.At(value.Origin, null, $"values nest deeper than {MaxDepth} levels of objects and lists");
            }
        }
    }

    private IEnumerable<string> EnumerateKeys()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _keys[i];
        }
    }

    private IEnumerable<ConfigValue> EnumerateValues()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _values[i];
        }
    }
}
