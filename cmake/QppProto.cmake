# qpp_proto_library(NAME <target> ROOT <import root> PROTOS <files relative to
#   ROOT> [GRPC] [DEPS <targets>] [IMPORTS <extra import roots>])
# Generates C++ (and, with GRPC, gRPC service stubs) for the given protos into
# the build tree and wraps them in one library: shared by default, so that the
# many test and benchmark binaries link the generated code instead of each
# carrying a copy (QPP_SHARED_PROTO=OFF for self-contained release binaries).
find_program(QPP_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
set(QPP_PROTO_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
# The vendored google/api and google/rpc protos (third_party/googleapis).
set(QPP_GOOGLEAPIS_DIR ${CMAKE_SOURCE_DIR}/third_party/googleapis)
set(QPP_GRPC_PROTO_DIR /usr/share/grpc-proto CACHE PATH "Root of grpc protos")
option(QPP_SHARED_PROTO "Build the generated code as shared libraries" ON)
if(QPP_SHARED_PROTO)
  set(QPP_PROTO_LIBRARY_TYPE SHARED)
else()
  set(QPP_PROTO_LIBRARY_TYPE STATIC)
endif()

function(qpp_proto_library)
  cmake_parse_arguments(P "GRPC" "NAME;ROOT" "PROTOS;DEPS;IMPORTS" ${ARGN})
  set(srcs)
  set(hdrs)
  set(import_flags -I${P_ROOT} -I${CMAKE_SOURCE_DIR}/proto
      -I${QPP_GOOGLEAPIS_DIR} -I${Protobuf_INCLUDE_DIRS})
  foreach(imp ${P_IMPORTS})
    list(APPEND import_flags -I${imp})
  endforeach()
  foreach(proto ${P_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" base ${proto})
    set(outs ${QPP_PROTO_GEN_DIR}/${base}.pb.cc ${QPP_PROTO_GEN_DIR}/${base}.pb.h)
    set(plugin_args)
    # Stubs only for a file that declares a service: the plugin's output for
    # the others is empty but costs a compilation of gRPC's headers each.
    # Read at configure time, so a proto's change re-runs CMake.
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
      ${P_ROOT}/${proto})
    file(STRINGS ${P_ROOT}/${proto} services REGEX "^service ")
    if(P_GRPC AND services)
      list(APPEND outs ${QPP_PROTO_GEN_DIR}/${base}.grpc.pb.cc
                       ${QPP_PROTO_GEN_DIR}/${base}.grpc.pb.h)
      set(plugin_args --grpc_out=${QPP_PROTO_GEN_DIR}
          --plugin=protoc-gen-grpc=${QPP_GRPC_CPP_PLUGIN})
    endif()
    add_custom_command(
      OUTPUT ${outs}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${QPP_PROTO_GEN_DIR}
      COMMAND protobuf::protoc ${import_flags}
              --cpp_out=${QPP_PROTO_GEN_DIR} ${plugin_args}
              ${P_ROOT}/${proto}
      DEPENDS ${P_ROOT}/${proto} protobuf::protoc
      COMMENT "protoc ${proto}"
      VERBATIM)
    foreach(o ${outs})
      if(o MATCHES "\\.cc$")
        list(APPEND srcs ${o})
      endif()
    endforeach()
  endforeach()
  add_library(${P_NAME} ${QPP_PROTO_LIBRARY_TYPE} ${srcs})
  target_include_directories(${P_NAME} PUBLIC ${QPP_PROTO_GEN_DIR})
  target_link_libraries(${P_NAME} PUBLIC protobuf::libprotobuf gRPC::grpc++ ${P_DEPS})
  target_compile_options(${P_NAME} PRIVATE -w)
  # protoc's sources define the same file-local tables, so each stays a
  # translation unit of its own in a unity build.
  set_target_properties(${P_NAME} PROPERTIES UNITY_BUILD OFF)
endfunction()
