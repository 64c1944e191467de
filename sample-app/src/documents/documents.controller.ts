import { Body, Controller, Get, Post, Query, UseGuards } from '@nestjs/common';
import { DatabaseReadyGuard } from '../database/database-ready.guard.js';
import { DocumentsService } from './documents.service.js';

@Controller('documents')
// Every route here reads or writes the database, which connects in the background.
@UseGuards(DatabaseReadyGuard)
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get()
  list() {
    return this.documents.list();
  }

  @Get('search')
  search(@Query('q') q: unknown) {
    return this.documents.search(q);
  }

  @Post()
  create(@Body() body: unknown) {
    return this.documents.create(body);
  }
}
