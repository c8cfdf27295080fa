package dev.plinth.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The one translation: a full disk or quota is a StorageFullException, the rest StorageIOException. */
class StorageErrorsTest {
    @Test
    void noRoomLeftIsStorageFull() {
        for (String reason : new String[] {"No space left on device", "Disk quota exceeded", "File too large"}) {
            StorageIOException e = StorageErrors.translate("write", "/data/000001.log", new IOException(reason));
            assertThat(e).as(reason).isExactlyInstanceOf(StorageFullException.class)
                    .hasMessage("cannot write /data/000001.log: " + reason + "; the file system has no room left");
        }
        StorageIOException fromMove = StorageErrors.translate("rename", "/d/a to b",
                new FileSystemException("/d/a", "/d/b", "No space left on device"));
        assertThat(fromMove).isExactlyInstanceOf(StorageFullException.class);
    }

    @Test
    void otherFailuresAreStorageIoWithPathAndReason() {
        IOException cause = new IOException("Input/output error");
        StorageIOException e = StorageErrors.translate("force", "/data/MANIFEST", cause);
        assertThat(e).isExactlyInstanceOf(StorageIOException.class)
                .hasMessage("cannot force /data/MANIFEST: Input/output error").hasCause(cause);
        assertThat(StorageErrors.translate("open for reading", "/data/x", new NoSuchFileException("/data/x")))
                .isExactlyInstanceOf(StorageIOException.class)
                .hasMessage("cannot open for reading /data/x: no such file or directory");
        assertThat(StorageErrors.translate("read", "/x", new IOException())).hasMessage("cannot read /x: IOException");
    }
}
