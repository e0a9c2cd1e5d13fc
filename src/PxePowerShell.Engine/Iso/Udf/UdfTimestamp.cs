using System.Buffers.Binary;

namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>The 12-byte ECMA-167 timestamp: type and time zone, year, month, day, hour, minute, second, fractions.</summary>
internal static class UdfTimestamp
{
    /// <summary>The time recorded in <paramref name="field"/>; the Unix epoch when it is not a valid date.</summary>
    public static DateTimeOffset Read(ReadOnlySpan<byte> field)
    {
        ushort typeAndZone = BinaryPrimitives.ReadUInt16LittleEndian(field);
        int zone = typeAndZone & 0x0FFF;
        if ((zone & 0x800) != 0)
        {
            zone -= 0x1000; // 12-bit two's complement
        }

        if (typeAndZone >> 12 != 1 || zone is < -1440 or > 1440)
        {
            zone = 0; // not local time, or no time zone (-2047): taken as UTC
        }

        int year = BinaryPrimitives.ReadInt16LittleEndian(field[2..]);
        int month = field[4], day = field[5], hour = field[6], minute = field[7], second = field[8];
        int centiseconds = field[9], hundredsOfMicroseconds = field[10], microseconds = field[11];
        if (year is < 1 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59
            || centiseconds > 99 || hundredsOfMicroseconds > 99 || microseconds > 99)
        {
            return DateTimeOffset.UnixEpoch;
        }

        long ticks = (centiseconds * 10_000L + hundredsOfMicroseconds * 100L + microseconds) * 10;
        return new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(zone)).AddTicks(ticks);
    }
}
