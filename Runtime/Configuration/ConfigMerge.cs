namespace ActorPager.Runtime.Configuration;

/// <summary>
/// The HOCON merge rule, used for duplicate keys, includes, <see cref="Config.WithFallback"/> and
/// object concatenation: the newer value wins unless both are objects, which merge key by key.
/// </summary>
internal static class ConfigMerge
{
    /// <summary>
    /// Parse-time merge: sets <paramref name="key"/> in <paramref name="target"/>, merging with an
    /// existing value in place. Only the parser calls it, on objects it built itself.
    /// </summary>
    public static void MergeField(ConfigObject target, string key, ConfigValue value)
    {
        if (!target.TryGetValue(key, out var existing))
        {
            target.Set(key, value);
            return;
        }

        target.Set(key, CombineInPlace(existing, value));
    }

    /// <summary>Functional merge: a new value, sharing unchanged subtrees with the inputs.</summary>
    /// <param name="fallback">The older, lower-priority value.</param>
    /// <param name="over">The newer value, which wins.</param>
    public static ConfigValue Merge(ConfigValue fallback, ConfigValue over)
    {
        ConfigEquality.EnsureStack();
        if (over is ConfigObject overObject)
        {
            if (fallback is ConfigObject fallbackObject)
            {
                return MergeObjects(fallbackObject, overObject);
            }

            // An object over a plain non-object replaces it; over something unresolved, the
            // outcome depends on what that resolves to.
            return fallback.IsResolved ? over : ConfigDelayedMerge.Of(fallback, over);
        }

        return over.IsResolved ? over : ConfigDelayedMerge.Of(fallback, over);
    }

    /// <summary>Merges two objects into a new one: the fallback's keys first, then the new ones.</summary>
    public static ConfigObject MergeObjects(ConfigObject fallback, ConfigObject over)
    {
        if (fallback.Count == 0)
        {
            return over;
        }

        if (over.Count == 0)
        {
            return fallback;
        }

        var result = new ConfigObject(over.Origin, fallback.Count + over.Count);
        foreach (var (key, value) in fallback)
        {
            result.Set(key, over.TryGetValue(key, out var newer) ? Merge(value, newer) : value);
        }

        foreach (var (key, value) in over)
        {
            if (!fallback.ContainsKey(key))
            {
                result.Set(key, value);
            }
        }

        return result;
    }

    private static ConfigValue CombineInPlace(ConfigValue existing, ConfigValue value)
    {
        ConfigEquality.EnsureStack();
        if (value is ConfigObject valueObject)
        {
            if (existing is ConfigObject existingObject)
            {
                foreach (var (key, child) in valueObject)
                {
                    MergeField(existingObject, key, child);
                }

                return existingObject;
            }

            return existing.IsResolved ? value : ConfigDelayedMerge.Of(existing, value);
        }

        // A substitution or concatenation may refer back to the value it replaces, or resolve to
        // an object that merges with it, so both are kept until resolution.
        return value.IsResolved ? value : ConfigDelayedMerge.Of(existing, value);
    }
}
