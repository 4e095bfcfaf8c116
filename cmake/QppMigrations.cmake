# qpp_embed_migrations(TARGET <lib> NAMESPACE <c++ ns> DIR <dir>)
# Compiles every NNNN_name.sql file of DIR into a static library exposing
#   const std::vector<qpp::db::MigrationFile>& <ns>::Migrations();
# so that each binary carries its own schema history and needs no files at
# run time (containers, Helm).
function(qpp_embed_migrations)
  cmake_parse_arguments(M "" "TARGET;NAMESPACE;DIR" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS ${M_DIR}/*.sql)
  list(SORT sql_files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${M_TARGET}_migrations.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${M_NAMESPACE}
            "-DFILES=${sql_files}"
            -P ${CMAKE_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    DEPENDS ${sql_files} ${CMAKE_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    COMMENT "embedding migrations of ${M_TARGET}"
    VERBATIM)
  add_library(${M_TARGET} STATIC ${out})
  target_link_libraries(${M_TARGET} PUBLIC qpp_db)
endfunction()
