package dev.llmops.core.sink.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One queue's journal: an append-only file of JSON lines, a position file saying how far its
 * records were delivered, and a file the lines that cannot be read back are copied to.
 *
 * <ul>
 *   <li>{@code <file>}: records spilled by the queue, one per line, appended; read back in order.
 *   <li>{@code <file>.pos}: the byte offset up to which records were delivered, rewritten (write
 *       then rename) after each delivered batch that came from the file, so that a restart replays
 *       only what was not delivered.
 *   <li>{@code <file>.corrupt}: lines that could not be read back, copied as they were.
 * </ul>
 *
 * <p>The file is locked while open, so two queues (in one process or two) never share it. Writes
 * go to the operating system at once (a crash of the process loses nothing written), but are not
 * forced to the disk. When every line has been delivered, the file is truncated to zero.
 *
 * <p>Not thread-safe: the owning {@link RecordQueue} calls {@link #append} and changes the
 * positions under its lock; {@link #read} uses only its arguments and positional reads, so the
 * queue's thread calls it without the lock.
 */
final class Journal implements AutoCloseable {
  private static final int CHUNK = 64 * 1024;

  final Path file;
  private final Path positionFile;
  private final Path corruptFile;
  private final FileChannel channel;
  private final FileLock lock;
  private final long maxBytes;

  /** Bytes in the file. */
  long end;
  /** Bytes read back into the queue. */
  long readPos;
  /** Lines before {@link #readPos}; the next line read is number {@code readLine + 1}. */
  long readLine;
  /** Lines between {@link #readPos} and {@link #end}. */
  long unread;
  /** Lines left undelivered by an earlier run, found when the file was opened. */
  final long replayed;
  /** The byte offset the position file was opened with. */
  private final long startPosition;

  private Journal(Path file, FileChannel channel, FileLock lock, long maxBytes, long end, long readPos, long readLine,
      long unread) {
    this.file = file;
    this.positionFile = sibling(file, ".pos");
    this.corruptFile = sibling(file, ".corrupt");
    this.channel = channel;
    this.lock = lock;
    this.maxBytes = maxBytes;
    this.end = end;
    this.readPos = readPos;
    this.readLine = readLine;
    this.unread = unread;
    this.replayed = unread;
    this.startPosition = readPos;
  }

  /**
   * Opens (or creates) the journal {@code file}, ready to read back what an earlier run left. A
   * last line cut short by a crash is closed with a line break, so it is read back as one corrupt
   * line rather than glued to the next record.
   *
   * @throws IOException if the file cannot be opened or read
   * @throws IllegalStateException if another queue, here or in another process, holds the file
   */
  static Journal open(Path file, long maxBytes) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException("journal file " + file + " is in use by another sink queue (in this process or "
          + "another); give each queue its own file");
    }
    try {
      long size = channel.size();
      if (size > 0 && lastByte(channel, size) != '\n') {
        writeFully(channel, ByteBuffer.wrap(new byte[] {'\n'}), size);
        size++;
      }
      long position = readPosition(sibling(file, ".pos"), channel, size);
      long before = countLines(channel, 0, position);
      long unread = countLines(channel, position, size);
      Journal j = new Journal(file, channel, lock, maxBytes, size, position, before, unread);
      if (unread == 0 && size > 0) {
        j.reset(); // everything in it was delivered before the last run stopped
      }
      return j;
    } catch (IOException | RuntimeException e) {
      lock.release();
      channel.close();
      throw e;
    }
  }

  /** The byte offset delivery had reached when the file was opened. */
  long startPosition() {
    return startPosition;
  }

  /**
   * Appends one line (ending with a line break).
   *
   * @return false, writing nothing, if the line would take the file past its size limit
   * @throws IOException if the write failed; the file then keeps its previous end
   */
  boolean append(byte[] line) throws IOException {
    if (end + line.length > maxBytes) {
      return false;
    }
    try {
      writeFully(channel, ByteBuffer.wrap(line), end);
    } catch (IOException e) {
      channel.truncate(end); // drop a partial line, so the next append starts on a line boundary
      throw e;
    }
    end += line.length;
    unread++;
    return true;
  }

  /** One line read back: its bytes without the line break, where it ends, and its number (from 1). */
  static final class Line {
    private final byte[] bytes;
    private final long end;
    private final long number;

    Line(byte[] bytes, long end, long number) {
      this.bytes = bytes;
      this.end = end;
      this.number = number;
    }

    /** The line's bytes, without the line break; not copied. */
    byte[] bytes() {
      return bytes;
    }

    long end() {
      return end;
    }

    long number() {
      return number;
    }
  }

  /**
   * Reads up to {@code max} lines from byte {@code from} (a line start) to {@code to} (a line end),
   * numbering them from {@code firstNumber}.
   */
  List<Line> read(long from, long to, long firstNumber, int max) throws IOException {
    List<Line> out = new ArrayList<>(Math.min(max, 256));
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1, to - from)));
    ByteArrayOutputStream partial = new ByteArrayOutputStream();
    long pos = from;
    long number = firstNumber;
    while (pos < to && out.size() < max) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), to - pos));
      int n = channel.read(buf, pos);
      if (n <= 0) {
        throw new IOException("journal file " + file + " ended at byte " + pos + ", before byte " + to);
      }
      byte[] a = buf.array();
      int start = 0;
      int i = 0;
      for (; i < n && out.size() < max; i++) {
        if (a[i] == '\n') {
          partial.write(a, start, i - start);
          out.add(new Line(partial.toByteArray(), pos + i + 1, number++));
          partial.reset();
          start = i + 1;
        }
      }
      if (out.size() < max) {
        partial.write(a, start, n - start);
        pos += n;
      } else {
        pos += i; // stopped right after a line break
      }
    }
    return out;
  }

  /** Records that the lines up to byte {@code position} were delivered (rewrites the position file). */
  void delivered(long position) throws IOException {
    Path tmp = sibling(file, ".pos.tmp");
    Files.writeString(tmp, Long.toString(position) + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, positionFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Empties the file and forgets the positions: every line in it was delivered. */
  void reset() throws IOException {
    channel.truncate(0);
    Files.deleteIfExists(positionFile);
    end = 0;
    readPos = 0;
    readLine = 0;
    unread = 0;
  }

  /** Copies a line that could not be read back to {@code <file>.corrupt}. */
  void quarantine(byte[] line) throws IOException {
    byte[] withBreak = new byte[line.length + 1];
    System.arraycopy(line, 0, withBreak, 0, line.length);
    withBreak[line.length] = '\n';
    Files.write(corruptFile, withBreak, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Where lines that could not be read back are copied. */
  Path corruptFile() {
    return corruptFile;
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  private static byte lastByte(FileChannel channel, long size) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    if (channel.read(one, size - 1) != 1) {
      throw new IOException("cannot read the last byte of a file of " + size + " bytes");
    }
    return one.get(0);
  }

  /** The position file's offset, if it is a line boundary within the file; else 0 (replay all). */
  private static long readPosition(Path positionFile, FileChannel channel, long size) throws IOException {
    if (!Files.exists(positionFile)) {
      return 0;
    }
    String text = Files.readString(positionFile, StandardCharsets.US_ASCII).trim();
    long pos;
    try {
      pos = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException("position file " + positionFile + " does not hold a byte offset: '" + abbreviate(text) + "'", e);
    }
    if (pos < 0 || pos > size || (pos > 0 && lastByte(channel, pos) != '\n')) {
      throw new IOException("position file " + positionFile + " names byte " + pos + ", which is not the end of a line of "
          + "its journal (" + size + " bytes); delete it to replay the whole journal");
    }
    return pos;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static long countLines(FileChannel channel, long from, long to) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    long lines = 0;
    long pos = from;
    while (pos < to) {
      buf.clear();
      buf.limit((int) Math.min(CHUNK, to - pos));
      int n = channel.read(buf, pos);
      if (n <= 0) {
        break;
      }
      byte[] a = buf.array();
      for (int i = 0; i < n; i++) {
        if (a[i] == '\n') {
          lines++;
        }
      }
      pos += n;
    }
    return lines;
  }

  private static void writeFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      pos += channel.write(buf, pos);
    }
  }

  @Override
  public String toString() {
    return "Journal[" + file + ", " + end + " bytes, " + unread + " unread]";
  }
}
