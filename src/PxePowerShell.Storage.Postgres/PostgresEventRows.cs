using System.Net;
using Npgsql;
using NpgsqlTypes;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Storage.Postgres;

/// <summary>One <see cref="PxeEvent"/> as a row of <c>pxe_event</c>: written by binary COPY, read back whole.</summary>
internal static class PostgresEventRows
{
    /// <summary>The columns, in the order <see cref="Write"/> writes and <see cref="Read"/> reads them.</summary>
    public const string Columns = "time, kind, server, node, protocol, client_address, endpoint_address, endpoint_port, mac, duid, architecture, architecture_id, vendor_class, uuid, user_class, server_identifier, transaction_id, message_type, path, boot_file, ip_address, bytes, block_size, window_size, retransmits, duration, error, reason";

    /// <summary>Writes <paramref name="events"/> recorded by <paramref name="node"/> in one COPY.</summary>
    public static void Write(NpgsqlConnection connection, IReadOnlyList<PxeEvent> events, string node)
    {
        using var copy = connection.BeginBinaryImport($"COPY pxe_event ({Columns}) FROM STDIN (FORMAT BINARY)");
        foreach (var e in events)
        {
            copy.StartRow();
            copy.Write(e.Time.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            copy.Write(e.Kind.ToString(), NpgsqlDbType.Text);
            copy.Write(e.Server, NpgsqlDbType.Text);
            copy.Write(node, NpgsqlDbType.Text);
            copy.Write(e.Protocol.ToString(), NpgsqlDbType.Text);
            Value(copy, e.ClientAddress, NpgsqlDbType.Inet);
            Value(copy, e.ClientEndPoint?.Address, NpgsqlDbType.Inet);
            Value(copy, e.ClientEndPoint?.Port, NpgsqlDbType.Integer);
            Value(copy, e.MacAddress, NpgsqlDbType.Text);
            Value(copy, e.Duid, NpgsqlDbType.Text);
            Value(copy, e.Architecture, NpgsqlDbType.Text);
            Value(copy, e.ArchitectureId, NpgsqlDbType.Integer);
            Value(copy, e.VendorClass, NpgsqlDbType.Text);
            Value(copy, e.Uuid, NpgsqlDbType.Uuid);
            Value(copy, e.UserClass, NpgsqlDbType.Text);
            Value(copy, e.ServerIdentifier, NpgsqlDbType.Inet);
            Value(copy, e.TransactionId is { } xid ? (long)xid : null, NpgsqlDbType.Bigint);
            Value(copy, e.MessageType?.ToString(), NpgsqlDbType.Text);
            Value(copy, e.Path, NpgsqlDbType.Text);
            Value(copy, e.BootFile, NpgsqlDbType.Text);
            Value(copy, e.IPAddress, NpgsqlDbType.Inet);
            Value(copy, e.Bytes, NpgsqlDbType.Bigint);
            Value(copy, e.BlockSize, NpgsqlDbType.Integer);
            Value(copy, e.WindowSize, NpgsqlDbType.Integer);
            Value(copy, e.Retransmits, NpgsqlDbType.Integer);
            Value(copy, e.Duration, NpgsqlDbType.Interval);
            Value(copy, e.Error, NpgsqlDbType.Text);
            Value(copy, e.Reason, NpgsqlDbType.Text);
        }

        copy.Complete();
    }

    /// <summary>The event of the reader's current row (selected as <see cref="Columns"/>).</summary>
    public static PxeEvent Read(NpgsqlDataReader r)
    {
        T? Get<T>(int i) where T : struct => r.IsDBNull(i) ? null : r.GetFieldValue<T>(i);
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        IPAddress? Address(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<IPAddress>(i);
        var endpointAddress = Address(6);
        return new PxeEvent
        {
            Time = r.GetFieldValue<DateTimeOffset>(0),
            Kind = Enum.TryParse<PxeEventKind>(r.GetString(1), out var kind) ? kind : PxeEventKind.Warning,
            Server = r.GetString(2),
            Node = r.GetString(3),
            Protocol = Enum.TryParse<PxeProtocol>(r.GetString(4), out var protocol) ? protocol : default,
            ClientAddress = Address(5),
            ClientEndPoint = endpointAddress is not null && Get<int>(7) is { } port ? new IPEndPoint(endpointAddress, port) : null,
            MacAddress = Text(8),
            Duid = Text(9),
            Architecture = Text(10),
            ArchitectureId = Get<int>(11),
            VendorClass = Text(12),
            Uuid = Get<Guid>(13),
            UserClass = Text(14),
            ServerIdentifier = Address(15),
            TransactionId = Get<long>(16) is { } xid ? (uint)xid : null,
            MessageType = Enum.TryParse<DhcpMessageType>(Text(17), out var type) ? type : null,
            Path = Text(18),
            BootFile = Text(19),
            IPAddress = Address(20),
            Bytes = Get<long>(21),
            BlockSize = Get<int>(22),
            WindowSize = Get<int>(23),
            Retransmits = Get<int>(24),
            Duration = Get<TimeSpan>(25),
            Error = Text(26),
            Reason = Text(27),
        };
    }

    /// <summary>Every row <paramref name="command"/> selects (as <see cref="Columns"/>), in order.</summary>
    public static List<PxeEvent> ReadAll(NpgsqlCommand command)
    {
        var result = new List<PxeEvent>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(Read(reader));
        }

        return result;
    }

    private static void Value(NpgsqlBinaryImporter copy, object? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, type);
        }
    }
}
