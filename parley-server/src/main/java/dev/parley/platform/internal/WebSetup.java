package dev.parley.platform.internal;

import dev.parley.platform.Blocking;
import dev.parley.platform.ParleyProperties;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.reactive.ConfigurableReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.support.TaskExecutorAdapter;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.config.BlockingExecutionConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ParleyProperties.class)
class WebSetup implements WebFluxConfigurer {
    private final Blocking blocking;

    WebSetup(Blocking blocking) {
        this.blocking = blocking;
    }

    /**
     * Event loops of this application's own, not Reactor Netty's process-wide ones: closing one Parley instance
     * (tests run several in one JVM) must not stop the loops another is still serving on.
     */
    @Bean
    ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory f = new ReactorResourceFactory();
        f.setUseGlobalResources(false);
        return f;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Controller methods that return plain values (not Mono/Flux) run on virtual threads, never an event loop. */
    @Override
    public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
        configurer.setExecutor(new TaskExecutorAdapter(blocking.executor()));
    }

    /** HTTPS and WSS on the same port when a PEM certificate and key are configured. */
    @Bean
    WebServerFactoryCustomizer<ConfigurableReactiveWebServerFactory> tls(ParleyProperties props) {
        return factory -> {
            if (!props.tls().enabled()) return;
            Ssl ssl = new Ssl();
            ssl.setEnabled(true);
            ssl.setCertificate(props.tls().certificate());
            ssl.setCertificatePrivateKey(props.tls().privateKey());
            factory.setSsl(ssl);
        };
    }
}
