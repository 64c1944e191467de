import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { DocumentsService } from './documents.service.js';

@Controller('documents')
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
