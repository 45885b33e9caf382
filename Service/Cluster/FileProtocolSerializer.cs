using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace ActorPager.Service.Cluster;

/// <summary>
/// Binary wire format of <see cref="FileProtocol"/> (between nodes) and of
/// <see cref="FileEvents"/> (in the journal), and the cluster view's <see cref="ClusterView.ListOwned"/> and <see cref="ClusterView.OwnedList"/>: a manifest names the type, the body is its fields in
/// order (BinaryWriter: little-endian numbers, length-prefixed UTF-8 strings, byte arrays as a
/// length and the bytes). Page bytes travel as bytes, never as JSON. Changing a record's fields
/// changes its format: the journal's events (<c>O</c>, <c>Z</c>, <c>N</c>) must stay readable.
/// </summary>
public sealed class FileProtocolSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id in <c>akka.actor.serialization-identifiers</c>.</summary>
    public const int Id = 4711;

    /// <summary>Made by Akka from <c>akka.actor.serializers</c>.</summary>
    public FileProtocolSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        FileProtocol.Read => "R",
        FileProtocol.Write => "W",
        FileProtocol.Sync => "S",
        FileProtocol.Truncate => "T",
        FileProtocol.GetStat => "G",
        FileProtocol.GetPages => "P",
        FileProtocol.Data => "d",
        FileProtocol.Written => "w",
        FileProtocol.Synced => "s",
        FileProtocol.Truncated => "t",
        FileProtocol.Stat => "g",
        FileProtocol.Pages => "p",
        FileProtocol.Failed => "f",
        FileProtocol.HandOff => "H",
        FileEvents.Owned => "O",
        FileEvents.SizeChanged => "Z",
        FileEvents.Snapshot => "N",
        ClusterView.ListOwned => "L",
        ClusterView.OwnedList => "l",
        _ => throw new ArgumentException($"{nameof(FileProtocolSerializer)} cannot serialize {o.GetType().FullName}", nameof(o)),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            Write(w, obj);
        }

        return stream.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        return manifest switch
        {
            "R" => new FileProtocol.Read(r.ReadString(), r.ReadInt64(), r.ReadInt32()),
            "W" => new FileProtocol.Write(r.ReadString(), r.ReadInt64(), ReadBytes(r), r.ReadBoolean()),
            "S" => new FileProtocol.Sync(r.ReadString()),
            "T" => new FileProtocol.Truncate(r.ReadString(), r.ReadInt64()),
            "G" => new FileProtocol.GetStat(r.ReadString()),
            "P" => new FileProtocol.GetPages(r.ReadString(), r.ReadInt64(), r.ReadInt32()),
            "d" => ReadData(r),
            "w" => new FileProtocol.Written(r.ReadInt32(), r.ReadBoolean()),
            "s" => new FileProtocol.Synced(r.ReadBoolean(), r.ReadInt32(), ReadNullable(r)),
            "t" => new FileProtocol.Truncated(r.ReadInt64()),
            "g" => new FileProtocol.Stat(r.ReadInt64(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadString(), r.ReadInt64()),
            "p" => ReadPages(r),
            "f" => new FileProtocol.Failed((FileProtocol.FailureKind)r.ReadInt32(), r.ReadString()),
            "H" => FileProtocol.HandOff.Instance,
            "O" => new FileEvents.Owned(r.ReadInt64(), r.ReadString()),
            "Z" => new FileEvents.SizeChanged(r.ReadInt64()),
            "N" => new FileEvents.Snapshot(r.ReadInt64(), r.ReadInt64(), r.ReadString()),
            "L" => ClusterView.ListOwned.Instance,
            "l" => ReadOwned(r),
            _ => throw new SerializationException($"{nameof(FileProtocolSerializer)}: unknown manifest \"{manifest}\" ({bytes.Length} bytes)"),
        };
    }

    private static void Write(BinaryWriter w, object obj)
    {
        switch (obj)
        {
            case FileProtocol.Read m:
                w.Write(m.Path);
                w.Write(m.Offset);
                w.Write(m.Length);
                break;
            case FileProtocol.Write m:
                w.Write(m.Path);
                w.Write(m.Offset);
                WriteBytes(w, m.Bytes, m.Bytes.Length);
                w.Write(m.Sync);
                break;
            case FileProtocol.Sync m:
                w.Write(m.Path);
                break;
            case FileProtocol.Truncate m:
                w.Write(m.Path);
                w.Write(m.Size);
                break;
            case FileProtocol.GetStat m:
                w.Write(m.Path);
                break;
            case FileProtocol.GetPages m:
                w.Write(m.Path);
                w.Write(m.First);
                w.Write(m.Count);
                break;
            case FileProtocol.Data m:
                // Only the bytes read: the array may be longer.
                WriteBytes(w, m.Bytes, m.Length);
                break;
            case FileProtocol.Written m:
                w.Write(m.Bytes);
                w.Write(m.Durable);
                break;
            case FileProtocol.Synced m:
                w.Write(m.Ok);
                w.Write(m.PagesWritten);
                WriteNullable(w, m.Error);
                break;
            case FileProtocol.Truncated m:
                w.Write(m.Size);
                break;
            case FileProtocol.Stat m:
                w.Write(m.SizeBytes);
                w.Write(m.SizePages);
                w.Write(m.Resident);
                w.Write(m.Dirty);
                w.Write(m.Busy);
                w.Write(m.Pip);
                w.Write(m.RefCount);
                w.Write(m.Active);
                w.Write(m.Inactive);
                w.Write(m.Laundry);
                w.Write(m.Owner);
                w.Write(m.Generation);
                break;
            case FileProtocol.Pages m:
                w.Write(m.Entries.Length);
                foreach (var p in m.Entries)
                {
                    w.Write(p.PIndex);
                    w.Write(p.Resident);
                    w.Write(p.Valid);
                    w.Write(p.Dirty);
                    w.Write(p.Busy);
                    w.Write(p.Queue);
                    w.Write(p.Mapped);
                }

                break;
            case FileProtocol.Failed m:
                w.Write((int)m.Kind);
                w.Write(m.Message);
                break;
            case FileProtocol.HandOff:
                break;
            case FileEvents.Owned m:
                w.Write(m.Generation);
                w.Write(m.Node);
                break;
            case FileEvents.SizeChanged m:
                w.Write(m.Size);
                break;
            case FileEvents.Snapshot m:
                w.Write(m.Generation);
                w.Write(m.Size);
                w.Write(m.Node);
                break;
            case ClusterView.ListOwned:
                break;
            case ClusterView.OwnedList m:
                w.Write(m.Node);
                w.Write(m.Files.Length);
                foreach (var f in m.Files)
                {
                    w.Write(f.Path);
                    w.Write(f.Generation);
                }

                break;
            default:
                throw new ArgumentException($"{nameof(FileProtocolSerializer)} cannot serialize {obj.GetType().FullName}", nameof(obj));
        }
    }

    private static void WriteBytes(BinaryWriter w, byte[] bytes, int length)
    {
        w.Write(length);
        w.Write(bytes, 0, length);
    }

    private static byte[] ReadBytes(BinaryReader r)
    {
        var length = r.ReadInt32();
        var bytes = r.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new SerializationException($"{nameof(FileProtocolSerializer)}: {length} bytes announced, {bytes.Length} present");
    }

    private static FileProtocol.Data ReadData(BinaryReader r)
    {
        var bytes = ReadBytes(r);
        return new FileProtocol.Data(bytes, bytes.Length);
    }

    private static FileProtocol.Pages ReadPages(BinaryReader r)
    {
        var entries = new FileProtocol.PageEntry[r.ReadInt32()];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new FileProtocol.PageEntry(r.ReadInt64(), r.ReadBoolean(), r.ReadByte(), r.ReadByte(), r.ReadString(), r.ReadString(), r.ReadBoolean());
        }

        return new FileProtocol.Pages(entries);
    }

    private static ClusterView.OwnedList ReadOwned(BinaryReader r)
    {
        var node = r.ReadString();
        var files = new ClusterView.OwnedEntry[r.ReadInt32()];
        for (var i = 0; i < files.Length; i++)
        {
            files[i] = new ClusterView.OwnedEntry(r.ReadString(), r.ReadInt64());
        }

        return new ClusterView.OwnedList(node, files);
    }

    private static void WriteNullable(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null)
        {
            w.Write(s);
        }
    }

    private static string? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
