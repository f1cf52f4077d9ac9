# The landfall landing job as a Dataflow Flex Template image.
# Built by scripts/build_template.sh with Cloud Build after `mvn package`
# (no local Docker needed); checked statically by DockerfileTest.
#
# Google's Java 17 template launcher base: its launcher reads the two
# FLEX_TEMPLATE_* variables below, runs main() to build the job graph and
# submits it to Dataflow. Override the tag to pin a launcher release.
ARG LAUNCHER_IMAGE=gcr.io/dataflow-templates-base/java17-template-launcher-base:latest
FROM ${LAUNCHER_IMAGE}

ARG TEMPLATE_DIR=/template
WORKDIR ${TEMPLATE_DIR}

# One shaded jar is the whole classpath (see the shade plugin in pom.xml).
COPY target/landfall-bundled.jar ${TEMPLATE_DIR}/landfall-bundled.jar
COPY metadata.json ${TEMPLATE_DIR}/metadata.json

ENV FLEX_TEMPLATE_JAVA_MAIN_CLASS="dev.landfall.landing.LandingPipeline"
ENV FLEX_TEMPLATE_JAVA_CLASSPATH="${TEMPLATE_DIR}/landfall-bundled.jar"

ENTRYPOINT ["/opt/google/dataflow/java_template_launcher"]
