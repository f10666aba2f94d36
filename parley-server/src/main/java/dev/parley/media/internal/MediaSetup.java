package dev.parley.media.internal;

import dev.parley.platform.ParleyProperties;
import dev.parley.platform.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The media settings, the store chosen by {@code parley.media.store} (local or s3) and the work folders. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MediaProperties.class)
@EnableScheduling
class MediaSetup {
    private static final Logger log = LoggerFactory.getLogger(MediaSetup.class);

    @Bean
    MediaStore mediaStore(MediaProperties media, ParleyProperties props) throws IOException {
        MediaStore store = media.s3Store()
                ? new S3MediaStore(media.s3())
                : new LocalMediaStore(mediaDir(props).resolve("blobs"));
        log.info("Media: blobs in {}", store.describe());
        return store;
    }

    /** {@code <data>/media}: blobs (local store) and {@code uploads/} (uploads in progress, work files). */
    static Path mediaDir(ParleyProperties props) throws IOException {
        return PrivateFiles.createDirectories(PrivateFiles.dataDir(props.dataDir()).resolve("media"));
    }

    static Path uploadsDir(ParleyProperties props) throws IOException {
        return PrivateFiles.createDirectories(mediaDir(props).resolve("uploads"));
    }
}
