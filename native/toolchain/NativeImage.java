import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A stand-in for GraalVM's {@code native-image} driver, for Fanout's verification toolchain
 * (native/toolchain.sh). GraalVM publishes the builder on Maven Central but not the driver
 * (svm-driver stops at 20.3), so this does the driver's part of the work:
 *
 * <ul>
 * <li>{@code --version} in the format Quarkus parses;
 * <li>the driver's {@code --} options turned into the builder's {@code -H:} options, as their
 * {@code @APIOption} annotations in the svm jar say; {@code -J} options to the builder's JVM;
 * <li>{@code -jar}: the manifest's Main-Class and Class-Path;
 * <li>every image class-path entry's {@code META-INF/native-image/**}: {@code native-image.properties}
 * (Args, JavaArgs) and the {@code *-config.json} / {@code reachability-metadata.json} files,
 * with {@code --exclude-config} honoured;
 * <li>the builder's JVM: JVMCI on, the builder jars on the module path, the JDK's packages
 * exported to the builder, then {@code NativeImageGeneratorRunner}.
 * </ul>
 *
 * An option it does not know is an error, never silently dropped: the build must be the one asked for.
 * Run by {@code <home>/bin/native-image}, with {@code -Dfanout.native.home=<home>}.
 */
public final class NativeImage {

    static final String GRAALVM_VERSION = "25.0.2";
    /** What this builder calls itself: in --version, and as the image's java.vendor.version. */
    static final String VENDOR_VERSION = "GraalVM CE " + GRAALVM_VERSION + "+fanout-verification-toolchain";
    static final String BUILDER_MODULE = "org.graalvm.nativeimage.builder";
    static final String GENERATOR = BUILDER_MODULE + "/com.oracle.svm.hosted.NativeImageGeneratorRunner";

    /** Driver options that take a value after '=' (or as the next argument) and the builder option each sets. */
    static final Map<String, String> VALUE_OPTIONS = Map.ofEntries(
            Map.entry("--features", "Features"),
            Map.entry("--enable-url-protocols", "EnableURLProtocols"),
            Map.entry("--enable-monitoring", "EnableMonitoringFeatures"),
            Map.entry("--enable-native-access", "EnableNativeAccess"),
            Map.entry("--link-at-build-time", "LinkAtBuildTime"),
            Map.entry("--link-at-build-time-paths", "LinkAtBuildTimePaths"),
            Map.entry("--trace-object-instantiation", "TraceObjectInstantiation"),
            Map.entry("--add-exports", "AddExports"),
            Map.entry("--add-opens", "AddOpens"),
            Map.entry("--add-reads", "AddReads"),
            Map.entry("--gc", "GC"));

    /** Driver options without a value and the builder option each sets. */
    static final Map<String, String> FLAG_OPTIONS = Map.ofEntries(
            Map.entry("--no-fallback", "FallbackThreshold=0"),
            Map.entry("--force-fallback", "FallbackThreshold=10"),
            Map.entry("--enable-http", "EnableURLProtocols=http"),
            Map.entry("--enable-https", "EnableURLProtocols=https"),
            Map.entry("--enable-all-security-services", "+EnableAllSecurityServices"),
            Map.entry("--install-exit-handlers", "+InstallExitHandlers"),
            Map.entry("--report-unsupported-elements-at-runtime", "+ReportUnsupportedElementsAtRuntime"),
            Map.entry("--allow-incomplete-classpath", "+AllowIncompleteClasspath"),
            Map.entry("--static-nolibc", "+StaticExecutableWithDynamicLibC"),
            Map.entry("--shared", "+SharedLibrary"));

    /** Options whose value lists classes or packages with an initialization strategy (ClassInitialization). */
    static final Map<String, String> INITIALIZATION_OPTIONS = Map.of(
            "--initialize-at-run-time", ":run_time",
            "--initialize-at-build-time", ":build_time");

    static final Map<String, String> CONFIG_FILES = Map.of(
            "reflect-config.json", "ReflectionConfigurationResources",
            "jni-config.json", "JNIConfigurationResources",
            "proxy-config.json", "DynamicProxyConfigurationResources",
            "resource-config.json", "ResourceConfigurationResources",
            "serialization-config.json", "SerializationConfigurationResources",
            "predefined-classes-config.json", "PredefinedClassesConfigurationResources",
            "reachability-metadata.json", "ReachabilityMetadataResources");

    final Path home = Path.of(System.getProperty("fanout.native.home")).toAbsolutePath();
    final List<String> javaArgs = new ArrayList<>();
    final List<String> builderArgs = new ArrayList<>();
    final LinkedHashSet<Path> imageClasspath = new LinkedHashSet<>();
    final List<Pattern[]> excludedConfig = new ArrayList<>();
    String mainClass;
    String imageName;
    Path jar;
    boolean verbose;

    public static void main(String[] args) throws Exception {
        List<String> expanded = expandArgFiles(List.of(args));
        if (expanded.contains("--version") || expanded.contains("-version")) {
            printVersion();
            return;
        }
        System.exit(new NativeImage().build(expanded));
    }

    /**
     * The three lines Quarkus reads (io.quarkus.deployment.pkg.steps.GraalVM): the builder's
     * GraalVM version, and the JDK the builder runs on. The vendor says plainly what this is.
     */
    static void printVersion() {
        Runtime.Version jdk = Runtime.version();
        String vendor = VENDOR_VERSION;
        System.out.println("native-image " + GRAALVM_VERSION + " (Fanout verification toolchain: GraalVM CE builder jars on "
                + System.getProperty("java.vendor") + " " + jdk + ")");
        System.out.println("OpenJDK Runtime Environment " + vendor + " (build " + jdk + ")");
        System.out.println("OpenJDK 64-Bit Server VM " + vendor + " (build " + jdk + ", mixed mode)");
    }

    static List<String> expandArgFiles(List<String> args) throws IOException {
        List<String> result = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("@") && arg.length() > 1) {
                for (String line : Files.readAllLines(Path.of(arg.substring(1)))) {
                    String trimmed = line.strip();
                    if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                        result.addAll(splitArgs(trimmed));
                    }
                }
            } else {
                result.add(arg);
            }
        }
        return result;
    }

    int build(List<String> args) throws Exception {
        List<String> positional = new ArrayList<>();
        parse(args, null, positional);
        if (jar != null) {
            readJar(jar);
            if (!positional.isEmpty()) {
                imageName = positional.remove(0);
            }
        } else if (!positional.isEmpty() && mainClass == null) {
            mainClass = positional.remove(0);
            if (!positional.isEmpty()) {
                imageName = positional.remove(0);
            }
        }
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("native-image stand-in: unexpected arguments " + positional);
        }
        if (imageName == null && mainClass != null) {
            imageName = mainClass.toLowerCase();
        }
        for (Path entry : List.copyOf(imageClasspath)) {
            readMetaInf(entry);
        }
        return runBuilder();
    }

    /** One pass over driver arguments; origin is null for the command line, or the properties file's URI. */
    void parse(List<String> args, String origin, List<String> positional) {
        String at = origin == null ? "" : "@" + origin;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            if (arg.startsWith("-J")) {
                javaArgs.add(arg.substring(2));
            } else if (arg.startsWith("-H:")) {
                builderArgs.add(origin == null ? arg : withOrigin(arg, at));
            } else if (arg.startsWith("-D")) {
                javaArgs.add(arg);
            } else if (arg.equals("-jar")) {
                jar = Path.of(args.get(++i)).toAbsolutePath();
            } else if (arg.equals("-cp") || arg.equals("-classpath") || arg.equals("--class-path")) {
                for (String entry : args.get(++i).split(":")) {
                    imageClasspath.add(Path.of(entry).toAbsolutePath());
                }
            } else if (arg.equals("-o")) {
                imageName = args.get(++i);
            } else if (name.equals("--exclude-config")) {
                excludedConfig.add(new Pattern[] { Pattern.compile(args.get(++i)), Pattern.compile(args.get(++i)) });
            } else if (arg.startsWith("-march=")) {
                builderArgs.add("-H:MicroArchitecture" + at + "=" + arg.substring("-march=".length()));
            } else if (arg.startsWith("-O") && arg.length() <= 3) {
                builderArgs.add("-H:Optimize" + at + "=" + arg.substring(2));
            } else if (arg.equals("--verbose")) {
                verbose = true;
            } else if (INITIALIZATION_OPTIONS.containsKey(name)) {
                String suffix = INITIALIZATION_OPTIONS.get(name);
                String classes = value == null ? "" : value;
                String transformed = classes.isEmpty() ? suffix
                        : Stream.of(classes.split(",")).map(c -> c + suffix).collect(Collectors.joining(","));
                builderArgs.add("-H:ClassInitialization" + at + "=" + transformed);
            } else if (VALUE_OPTIONS.containsKey(name)) {
                builderArgs.add("-H:" + VALUE_OPTIONS.get(name) + at + "=" + (value == null ? "" : value));
            } else if (FLAG_OPTIONS.containsKey(arg)) {
                String option = FLAG_OPTIONS.get(arg);
                builderArgs.add(option.contains("=")
                        ? "-H:" + option.substring(0, option.indexOf('=')) + at + option.substring(option.indexOf('='))
                        : "-H:" + option + at);
            } else if (arg.startsWith("-")) {
                throw new IllegalArgumentException("native-image stand-in: option " + arg
                        + " is not translated (add it to NativeImage.java from its @APIOption in the svm jar)");
            } else {
                positional.add(arg);
            }
        }
    }

    /** -H:Name=value becomes -H:Name@origin=value, and -H:+Name becomes -H:+Name@origin. */
    static String withOrigin(String arg, String at) {
        int eq = arg.indexOf('=');
        return eq < 0 ? arg + at : arg.substring(0, eq) + at + arg.substring(eq);
    }

    void readJar(Path path) throws IOException {
        imageClasspath.add(path);
        try (JarFile jarFile = new JarFile(path.toFile())) {
            Manifest manifest = jarFile.getManifest();
            if (manifest == null) {
                return;
            }
            String main = manifest.getMainAttributes().getValue("Main-Class");
            if (main != null && mainClass == null) {
                mainClass = main;
            }
            // The jar's own module access needs (Quarkus' runner jar asks for java.base/java.lang,
            // java.nio and jdk.internal.misc): the builder runs the image's build-time code, so its
            // JVM must grant them to the image's classes, as the real driver does.
            for (String attribute : List.of("Add-Opens", "Add-Exports")) {
                String packages = manifest.getMainAttributes().getValue(attribute);
                if (packages != null) {
                    String option = attribute.equals("Add-Opens") ? "--add-opens=" : "--add-exports=";
                    for (String modulePackage : packages.trim().split("\\s+")) {
                        javaArgs.add(option + modulePackage + "=ALL-UNNAMED");
                    }
                }
            }
            String classPath = manifest.getMainAttributes().getValue("Class-Path");
            if (classPath != null) {
                for (String entry : classPath.trim().split("\\s+")) {
                    imageClasspath.add(path.getParent().resolve(entry).normalize());
                }
            }
        }
        if (imageName == null) {
            String file = path.getFileName().toString();
            imageName = file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
        }
    }

    /** META-INF/native-image/** of one class-path entry (a jar or a directory). */
    void readMetaInf(Path entry) throws IOException {
        if (Files.isDirectory(entry)) {
            readMetaInfUnder(entry, entry, entry.toUri().toString());
        } else if (Files.isRegularFile(entry)) {
            try (FileSystem fs = FileSystems.newFileSystem(entry)) {
                readMetaInfUnder(entry, fs.getPath("/"), "jar:" + entry.toUri() + "!/");
            }
        }
    }

    void readMetaInfUnder(Path entry, Path root, String originBase) throws IOException {
        Path metaInf = root.resolve("META-INF").resolve("native-image");
        if (!Files.isDirectory(metaInf)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(metaInf)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String resource = root.relativize(file).toString().replace('\\', '/');
            String fileName = file.getFileName().toString();
            String origin = originBase + resource;
            if (fileName.equals("native-image.properties")) {
                Properties properties = new Properties();
                try (InputStream in = Files.newInputStream(file)) {
                    properties.load(in);
                }
                String dir = resource.substring(0, resource.lastIndexOf('/'));
                String argsValue = properties.getProperty("Args");
                if (argsValue != null) {
                    List<String> positional = new ArrayList<>();
                    parse(splitArgs(argsValue.replace("${.}", dir)), origin, positional);
                    if (!positional.isEmpty()) {
                        throw new IllegalArgumentException(origin + ": unexpected Args " + positional);
                    }
                }
                String jvmArgs = properties.getProperty("JavaArgs");
                if (jvmArgs != null) {
                    javaArgs.addAll(splitArgs(jvmArgs));
                }
                String name = properties.getProperty("ImageName");
                if (name != null && imageName == null) {
                    imageName = name;
                }
            } else if (CONFIG_FILES.containsKey(fileName)) {
                if (isExcluded(entry, "/" + resource)) {
                    log("excluded by --exclude-config: " + origin);
                    continue;
                }
                builderArgs.add("-H:" + CONFIG_FILES.get(fileName) + "@" + origin + "=" + resource);
            }
        }
    }

    boolean isExcluded(Path entry, String resource) {
        for (Pattern[] rule : excludedConfig) {
            if (rule[0].matcher(entry.toString()).find() && rule[1].matcher(resource).find()) {
                return true;
            }
        }
        return false;
    }

    int runBuilder() throws Exception {
        Path builderDir = home.resolve("lib/svm/builder");
        List<Path> builderJars;
        try (Stream<Path> list = Files.list(builderDir)) {
            builderJars = list.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        List<Path> upgrade = builderJars.stream().filter(p -> p.getFileName().toString().startsWith("compiler-")).toList();
        List<Path> modulePath = builderJars.stream().filter(p -> !upgrade.contains(p)).toList();
        Set<String> builderModules = new TreeSet<>();
        for (ModuleReference ref : ModuleFinder.of(builderJars.toArray(Path[]::new)).findAll()) {
            builderModules.add(ref.descriptor().name());
        }

        List<String> jvm = new ArrayList<>();
        jvm.add("-XX:+UnlockExperimentalVMOptions");
        jvm.add("-XX:+EnableJVMCI");
        // The builder runs on C2; Graal compiles only the image.
        jvm.add("-XX:-UseJVMCICompiler");
        jvm.add("-XX:+UseParallelGC");
        jvm.add("-Xss10m");
        if (javaArgs.stream().noneMatch(a -> a.startsWith("-Xmx"))) {
            jvm.add("-Xmx" + System.getProperty("fanout.native.xmx", "10g"));
        }
        jvm.add("-Xshare:off");
        jvm.add("-Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader");
        jvm.add("-Dorg.graalvm.nativeimage.imagecode=buildtime");
        jvm.add("-Dorg.graalvm.version=" + GRAALVM_VERSION);
        // Read by the builder (the image's vendor version) and by Quarkus' build-time GraalVM check.
        jvm.add("-Dorg.graalvm.vendorversion=" + VENDOR_VERSION);
        jvm.add("-Dgraalvm.ForcePolyglotInvalid=true");
        jvm.add("-Dgraalvm.locatorDisabled=true");
        // Lambdas and their classes are created at build time, the way the real driver asks for.
        jvm.add("-Djdk.internal.lambda.disableEagerInitialization=true");
        jvm.add("-Djdk.internal.lambda.eagerlyInitialize=false");
        jvm.add("-Djava.lang.invoke.InnerClassLambdaMetafactory.initializeLambdas=false");
        jvm.add("-Djava.lang.invoke.MethodHandle.DONT_INLINE_THRESHOLD=-1");
        jvm.add("-Djava.lang.invoke.MethodHandle.PROFILE_GWT=false");
        jvm.add("--enable-native-access=" + String.join(",", builderModules));
        // The builder reaches into the JDK (JVMCI, class loading, reflection): export every package of
        // every system module to the builder modules, as mx's generated flags do for JVMCI.
        // Only modules the builder's JVM resolves (the default set and what the builder requires),
        // or the JVM warns about each unknown one.
        String targets = String.join(",", builderModules) + ",ALL-UNNAMED";
        Set<String> roots = new TreeSet<>(builderModules);
        ModuleLayer.boot().modules().forEach(m -> roots.add(m.getName()));
        Configuration resolved = Configuration.empty().resolve(
                ModuleFinder.compose(ModuleFinder.of(builderJars.toArray(Path[]::new)), ModuleFinder.ofSystem()), ModuleFinder.of(), roots);
        Set<String> systemModules = ModuleFinder.ofSystem().findAll().stream().map(r -> r.descriptor().name())
                .collect(Collectors.toSet());
        for (ResolvedModule module : resolved.modules().stream().filter(m -> systemModules.contains(m.name()))
                .sorted(java.util.Comparator.comparing(ResolvedModule::name)).toList()) {
            ModuleDescriptor descriptor = module.reference().descriptor();
            for (String pkg : new TreeSet<>(descriptor.packages())) {
                jvm.add("--add-exports=" + descriptor.name() + "/" + pkg + "=" + targets);
            }
        }
        jvm.addAll(javaArgs);
        jvm.add("--add-modules=ALL-DEFAULT");
        jvm.add("--upgrade-module-path");
        jvm.add(join(upgrade));
        jvm.add("--module-path");
        jvm.add(join(modulePath));
        jvm.add("--module");
        jvm.add(GENERATOR);

        Path cwd = Path.of("").toAbsolutePath();
        List<String> builder = new ArrayList<>();
        builder.add("-imagecp");
        builder.add(join(List.copyOf(imageClasspath)));
        builder.add("-H:CLibraryPath=" + home.resolve("lib/svm/clibraries/linux-amd64"));
        if (builderArgs.stream().noneMatch(a -> a.startsWith("-H:Path"))) {
            builder.add("-H:Path=" + cwd);
        }
        if (mainClass != null) {
            builder.add("-H:Class=" + mainClass);
        }
        if (imageName != null) {
            builder.add("-H:Name=" + imageName);
        }
        // SubstrateVM's cgroup support is C++ (libsvm_container) that is not published; the image
        // sizes itself from the machine's memory and CPUs instead (on Lambda: the function's).
        builder.add("-H:-UseContainerSupport");
        builder.addAll(builderArgs);
        builder.add("-H:ImageBuildID=" + UUID.nameUUIDFromBytes(String.join("\0", builder).getBytes(StandardCharsets.UTF_8)));

        Path argFile = Files.createTempFile("native-image-jvm", ".args");
        Files.write(argFile, jvm.stream().map(NativeImage::quote).toList());
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/java").toString());
        command.add("@" + argFile);
        command.addAll(builder);
        log("builder JVM options in " + argFile);
        log(String.join(" ", command));

        ProcessBuilder process = new ProcessBuilder(command).inheritIO();
        process.environment().put("USE_NATIVE_IMAGE_JAVA_PLATFORM_MODULE_SYSTEM", "true");
        process.environment().keySet().removeIf(k -> k.equals("JAVA_TOOL_OPTIONS") || k.equals("_JAVA_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
        Process p = process.start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        int code = p.waitFor();
        if (code == 0) {
            Files.deleteIfExists(argFile);
        }
        return code;
    }

    void log(String message) {
        if (verbose || System.getenv("FANOUT_NATIVE_VERBOSE") != null) {
            System.err.println("[native-image stand-in] " + message);
        }
    }

    static String join(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(":"));
    }

    /** A JVM @argfile entry: quoted when it holds a space or a quote. */
    static String quote(String arg) {
        if (arg.chars().noneMatch(c -> c == ' ' || c == '"' || c == '\'' || c == '#' || c == '\\')) {
            return arg;
        }
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Splits a properties Args value: whitespace separates, quotes group. */
    static List<String> splitArgs(String value) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        boolean inArg = false;
        for (char c : value.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inArg = true;
            } else if (Character.isWhitespace(c)) {
                if (inArg) {
                    result.add(current.toString());
                    current.setLength(0);
                    inArg = false;
                }
            } else {
                current.append(c);
                inArg = true;
            }
        }
        if (inArg) {
            result.add(current.toString());
        }
        return result;
    }
}
